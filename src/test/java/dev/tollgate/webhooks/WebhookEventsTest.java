package dev.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Each event is recorded by the action that causes it, with the documented data. */
class WebhookEventsTest extends WebhookTestBase {
    private static final AtomicInteger PHONES = new AtomicInteger(3000);

    /** A customer subscribed through checkout to a plan with a per-request meter. */
    private record Subscriber(String customerId, String meterSlug) {
    }

    private static String listen(String event) {
        String url = receiver.url();
        createWebhook(url, event);
        return url;
    }

    /** Waits for the event on {@code url} whose data mentions {@code id} and returns it. */
    private static JsonNode awaitEvent(String url, String event, String id) {
        List<Receiver.Received> found = await(event + " for " + id, () -> receiver.received(url,
                r -> r.json().get("event").asText().equals(event)
                        && r.json().get("data").toString().contains(id)),
                list -> !list.isEmpty());
        return found.get(found.size() - 1).json();
    }

    private static Subscriber subscribe(String periodAmount, String includedCredit,
            String usageRate) {
        JsonNode meter = ok(server.post(KEY, "/v1/meters", "{\"name\":\"Calls " + PHONES.get()
                + "\",\"rate_type\":\"fixed\",\"tier_type\":\"requests\","
                + "\"tiers\":[{\"start\":\"0\",\"rate\":\"" + usageRate + "\"}]}"));
        JsonNode plan = ok(server.post(KEY, "/v1/plans", "{\"name\":\"Pro\",\"billing_interval\":"
                + "\"month\",\"period_amount\":\"" + periodAmount + "\",\"included_credit\":\""
                + includedCredit + "\",\"meter_ids\":[\"" + meter.get("meter_id").asText()
                + "\"]}"));
        JsonNode completed = checkout(plan.get("plan_id").asText());
        return new Subscriber(completed.get("customer_id").asText(),
                meter.get("meter_slug").asText());
    }

    private static JsonNode checkout(String planId) {
        JsonNode session = ok(server.post(KEY, "/v1/checkout_sessions", "{\"checkout_mode\":"
                + "\"subscription\",\"origin_url\":\"https://shop.example\",\"plan_id\":\""
                + planId + "\"}"));
        return ok(server.post(KEY, "/v1/test_helpers/checkout_sessions/"
                + session.get("checkout_session_id").asText() + "/complete",
                "{\"phone\":\"+1202555" + PHONES.incrementAndGet() + "\","
                        + "\"card_number\":\"4242424242424242\"}"));
    }

    private static void use(Subscriber subscriber) {
        ok(server.post(KEY, "/v1/requests", "{\"request_id\":\"use-" + System.nanoTime()
                + "\",\"customer_id\":\"" + subscriber.customerId() + "\",\"meter_slug\":\""
                + subscriber.meterSlug() + "\"}"));
    }

    private static JsonNode subscription(String customerId) {
        return ok(server.get(KEY, "/v1/customers/" + customerId + "/subscription"))
                .get("subscription");
    }

    private static void passBalanceWindow() {
        clock.advance(Events.BALANCE_COALESCE_WINDOW.plusSeconds(1));
    }

    @Test
    void customerCreatedCarriesCustomerObject() {
        String url = listen("customer.created");
        JsonNode created = ok(server.post(KEY, "/v1/customers", "{\"email\":\"ada@example.com\","
                + "\"name\":\"Ada Lovelace\",\"metadata\":{\"tier\":\"gold\"}}"));
        String id = created.get("customer_id").asText();

        JsonNode event = awaitEvent(url, "customer.created", id);

        assertThat(event.get("data")).isEqualTo(ok(server.get(KEY, "/v1/customers/" + id)));
        assertThat(event.get("id").asText()).startsWith("evt_test_");
    }

    @Test
    void customerDeletedCarriesCustomerObject() {
        String url = listen("customer.deleted");
        String id = ok(server.post(KEY, "/v1/customers", "{\"reference_id\":\"gone-"
                + System.nanoTime() + "\"}")).get("customer_id").asText();
        JsonNode before = ok(server.get(KEY, "/v1/customers/" + id));
        ok(server.delete(KEY, "/v1/customers/" + id));

        JsonNode event = awaitEvent(url, "customer.deleted", id);

        assertThat(event.get("data")).isEqualTo(before);
    }

    @Test
    void balanceUpdatedAfterCreditChange() {
        String url = listen("customer.wallet.balance.updated");
        Subscriber subscriber = subscribe("10.00", "10", "1.5");
        use(subscriber);
        passBalanceWindow();

        JsonNode event = awaitEvent(url, "customer.wallet.balance.updated",
                subscriber.customerId());

        assertThat(event.at("/data/customer_id").asText()).isEqualTo(subscriber.customerId());
        assertThat(event.at("/data/credits/total_remaining").asText()).isEqualTo("8.5000000000");
        assertThat(event.at("/data/subscription/status").asText()).isEqualTo("active");
    }

    @Test
    void checkoutCompletedNamesSession() {
        String url = listen("checkout.completed");
        Subscriber subscriber = subscribe("5.00", "5", "1");

        JsonNode event = awaitEvent(url, "checkout.completed", subscriber.customerId());

        assertThat(event.at("/data/checkout_session_id").asText()).startsWith("cs_test_");
        assertThat(event.at("/data/checkout_mode").asText()).isEqualTo("subscription");
        assertThat(event.at("/data/completed_at").isNull()).isFalse();
    }

    @Test
    void subscriptionCreatedByCheckout() {
        String url = listen("subscription.created");
        Subscriber subscriber = subscribe("7.00", "7", "1");
        String subscriptionId = subscription(subscriber.customerId()).get("subscription_id")
                .asText();

        JsonNode event = awaitEvent(url, "subscription.created", subscriptionId);

        assertThat(event.at("/data/customer_id").asText()).isEqualTo(subscriber.customerId());
        assertThat(event.at("/data/status").asText()).isEqualTo("active");
        assertThat(event.at("/data/plan/period_amount").asText()).isEqualTo("7.00");
    }

    @Test
    void subscriptionRenewedAtCycleEnd() {
        String url = listen("subscription.renewed");
        Subscriber subscriber = subscribe("3.00", "3", "1");
        JsonNode before = subscription(subscriber.customerId());
        Instant end = Instant.parse(before.get("cycle_end_at").asText());
        ok(server.post(KEY, "/v1/test_helpers/customers/" + subscriber.customerId()
                + "/advance_clock", "{\"to\":\"" + end.plusSeconds(1) + "\"}"));

        JsonNode event = awaitEvent(url, "subscription.renewed",
                before.get("subscription_id").asText());

        assertThat(event.at("/data/cycle_start_at").asText())
                .isEqualTo(before.get("cycle_end_at").asText());
    }

    @Test
    void subscriptionUpdatedByScheduledCancellation() {
        String url = listen("subscription.updated");
        Subscriber subscriber = subscribe("4.00", "4", "1");
        String subscriptionId = subscription(subscriber.customerId()).get("subscription_id")
                .asText();
        ok(server.delete(KEY, "/v1/subscriptions/" + subscriptionId));

        JsonNode event = awaitEvent(url, "subscription.updated", subscriptionId);

        assertThat(event.at("/data/pending_change/type").asText()).isEqualTo("cancellation");
        assertThat(event.at("/data/status").asText()).isEqualTo("active");
    }

    @Test
    void subscriptionCancelledByCustomerDelete() {
        String url = listen("subscription.cancelled");
        Subscriber subscriber = subscribe("6.00", "6", "1");
        String subscriptionId = subscription(subscriber.customerId()).get("subscription_id")
                .asText();
        ok(server.delete(KEY, "/v1/customers/" + subscriber.customerId()));

        JsonNode event = awaitEvent(url, "subscription.cancelled", subscriptionId);

        assertThat(event.at("/data/status").asText()).isEqualTo("cancelled");
        assertThat(event.at("/data/cancelled_at").isNull()).isFalse();
    }

    @Test
    void paymentFailedOnDeclinedRenewal() {
        String url = listen("subscription.payment_failed");
        Subscriber subscriber = subscribe("9.00", "9", "1");
        server.server().database().jdbi().useHandle(h -> h.createUpdate(
                        "UPDATE customers SET payment_method = '4000000000000002' WHERE id = :c")
                .bind("c", subscriber.customerId()).execute());
        JsonNode before = subscription(subscriber.customerId());
        Instant end = Instant.parse(before.get("cycle_end_at").asText());
        ok(server.post(KEY, "/v1/test_helpers/customers/" + subscriber.customerId()
                + "/advance_clock", "{\"to\":\"" + end.plusSeconds(1) + "\"}"));

        JsonNode event = awaitEvent(url, "subscription.payment_failed",
                before.get("subscription_id").asText());

        assertThat(event.at("/data/failure_code").asText()).isEqualTo("card_declined");
        assertThat(event.at("/data/payment_purpose").asText()).isEqualTo("renewal");
    }

    @Test
    void creditsLowSentOnceBelowThreshold() {
        String url = listen("credits.low");
        Subscriber subscriber = subscribe("10.00", "10", "3.2");
        use(subscriber);
        passBalanceWindow();
        sleep(Duration.ofSeconds(1));
        assertThat(receiver.received(url)).as("6.80 of 10 left is above 10%").isEmpty();
        use(subscriber);
        use(subscriber);
        passBalanceWindow();

        JsonNode event = awaitEvent(url, "credits.low", subscriber.customerId());
        assertThat(event.at("/data/threshold").asText()).isEqualTo("1.0000000000");
        assertThat(event.at("/data/total_remaining").asText()).isEqualTo("0.4000000000");

        use(subscriber);
        passBalanceWindow();
        sleep(Duration.ofSeconds(1));
        assertThat(receiver.received(url)).as("sent once per fall").hasSize(1);
    }

    @Test
    void creditsLowUsesMerchantThreshold() {
        String url = listen("credits.low");
        ApiResponse set = server.patch(TestServer.SANDBOX_KEY, "/v1/webhook_settings",
                "{\"credits_low_percent\":50}");
        assertThat(set.status()).isEqualTo(200);
        Subscriber subscriber = subscribe("10.00", "10", "3.2");
        try {
            use(subscriber);
            use(subscriber);
            passBalanceWindow();

            // 10 - 3.2 - 3.2 = 3.6 left, below 50% of the 10 granted.
            JsonNode event = awaitEvent(url, "credits.low", subscriber.customerId());
            assertThat(event.at("/data/threshold").asText()).isEqualTo("5.0000000000");
            assertThat(event.at("/data/total_remaining").asText()).isEqualTo("3.6000000000");
        } finally {
            server.patch(TestServer.SANDBOX_KEY, "/v1/webhook_settings",
                    "{\"credits_low_percent\":10}");
        }
    }

    @Test
    void alertSettingsRejectOutOfRange() {
        ApiResponse response = server.patch(TestServer.SANDBOX_KEY, "/v1/webhook_settings",
                "{\"credits_low_percent\":0}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.at("/error/param")).isEqualTo("credits_low_percent");
    }

    @Test
    void creditsDepletedAtZero() {
        String url = listen("credits.depleted");
        Subscriber subscriber = subscribe("2.00", "2", "2");
        use(subscriber);
        passBalanceWindow();

        JsonNode event = awaitEvent(url, "credits.depleted", subscriber.customerId());

        assertThat(event.at("/data/total_remaining").asText()).isEqualTo("0.0000000000");
    }
}
