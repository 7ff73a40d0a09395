package dev.tollgate.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.billing.ledger.LedgerCheck;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.Forwarding;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LifecycleApiTest extends BothDatabases {
    private static final String KEY = TestServer.SANDBOX_KEY;
    private static final AtomicInteger PHONES = new AtomicInteger(100);

    @AfterEach
    void ledgerReconciles() {
        assertThat(server.server().database().jdbi().withHandle(LedgerCheck::firstMismatch)).isEmpty();
    }

    /** A customer on a new plan with one requests meter at {@code usageRate} dollars per request. */
    private record Setup(String customerId, String subscriptionId, String meterSlug, String planId,
            JsonNode plan) {
    }

    private static Setup subscribe(String planFields, String usageRate) {
        JsonNode meter = ok(server.post(KEY, "/v1/meters", "{\"name\":\"Use " + PHONES.get()
                + "\",\"rate_type\":\"fixed\",\"tier_type\":\"requests\","
                + "\"tiers\":[{\"start\":\"0\",\"rate\":\"" + usageRate + "\"}]}"));
        JsonNode plan = ok(server.post(KEY, "/v1/plans", "{\"name\":\"Plan\",\"billing_interval\":"
                + "\"month\",\"meter_ids\":[\"" + meter.get("meter_id").asText() + "\"]," + planFields + "}"));
        String customerId = checkout(plan.get("plan_id").asText(), "+1202555" + String.format("%04d",
                PHONES.incrementAndGet()));
        JsonNode subscription = subscription(customerId);
        return new Setup(customerId, subscription.get("subscription_id").asText(),
                meter.get("meter_slug").asText(), plan.get("plan_id").asText(), plan);
    }

    private static String checkout(String planId, String phone) {
        JsonNode session = ok(server.post(KEY, "/v1/checkout_sessions", "{\"checkout_mode\":"
                + "\"subscription\",\"origin_url\":\"https://shop.example\",\"plan_id\":\"" + planId + "\"}"));
        return ok(server.post(KEY, "/v1/test_helpers/checkout_sessions/"
                + session.get("checkout_session_id").asText() + "/complete",
                "{\"phone\":\"" + phone + "\",\"card_number\":\"4242424242424242\"}"))
                .get("customer_id").asText();
    }

    private static JsonNode subscription(String customerId) {
        return server.get(KEY, "/v1/customers/" + customerId + "/subscription").json().get("subscription");
    }

    private static void use(Setup setup, int requests) {
        for (int i = 0; i < requests; i++) {
            ok(server.post(KEY, "/v1/requests", "{\"request_id\":\"use-" + setup.customerId() + "-"
                    + System.nanoTime() + "\",\"customer_id\":\"" + setup.customerId()
                    + "\",\"meter_slug\":\"" + setup.meterSlug() + "\"}"));
        }
    }

    private static JsonNode advanceToCycleEnd(String customerId) {
        Instant end = Instant.parse(subscription(customerId).get("cycle_end_at").asText());
        return ok(server.post(KEY, "/v1/test_helpers/customers/" + customerId + "/advance_clock",
                "{\"to\":\"" + end.plusSeconds(1) + "\"}"));
    }

    private static JsonNode ok(ApiResponse response) {
        assertThat(response.status()).as(response.text()).isLessThan(300);
        return response.json();
    }

    private static String total(String customerId) {
        return subscription(customerId).at("/credits/total_remaining").asText();
    }

    @Test
    void fullRolloverCarriesUnusedCredit() {
        Setup setup = subscribe("\"period_amount\":\"25.00\",\"rollover_type\":\"full\"", "15");
        use(setup, 1);
        assertThat(total(setup.customerId())).isEqualTo("10.0000000000");

        advanceToCycleEnd(setup.customerId());

        // $25 granted, $15 used, $10 carried into a cycle that grants $25 more: $35.
        assertThat(total(setup.customerId())).isEqualTo("35.0000000000");
    }

    @Test
    void noRolloverExpiresUnusedCredit() {
        Setup setup = subscribe("\"period_amount\":\"25.00\",\"rollover_type\":\"none\"", "15");
        use(setup, 1);

        advanceToCycleEnd(setup.customerId());

        assertThat(total(setup.customerId())).isEqualTo("25.0000000000");
    }

    @Test
    void bundleCreditKeptOrDropped() {
        for (String rollover : new String[] {"full", "none"}) {
            Setup setup = subscribe("\"period_amount\":\"10.00\",\"bundle_rollover_type\":\""
                    + rollover + "\",\"credit_bundles\":[{\"name\":\"Boost\",\"cost\":\"5.00\","
                    + "\"credit_amount\":\"7.50\"}]", "1");
            buyBundle(setup);
            assertThat(subscription(setup.customerId()).at("/credits/bundle_remaining").asText())
                    .isEqualTo("7.5000000000");

            advanceToCycleEnd(setup.customerId());

            String bundle = subscription(setup.customerId()).at("/credits/bundle_remaining").asText();
            assertThat(bundle).as(rollover).isEqualTo(rollover.equals("full") ? "7.5000000000"
                    : "0.0000000000");
        }
    }

    private static void buyBundle(Setup setup) {
        String bundleId = setup.plan().at("/credit_bundles/0/credit_bundle_id").asText();
        JsonNode session = ok(server.post(KEY, "/v1/checkout_sessions", "{\"checkout_mode\":"
                + "\"credit_bundle\",\"origin_url\":\"https://shop.example\",\"customer_id\":\""
                + setup.customerId() + "\",\"credit_bundle_id\":\"" + bundleId + "\"}"));
        String phone = server.get(KEY, "/v1/customers/" + setup.customerId()).json()
                .at("/contact/phone").asText();
        ok(server.post(KEY, "/v1/test_helpers/checkout_sessions/"
                + session.get("checkout_session_id").asText() + "/complete",
                "{\"phone\":\"" + phone + "\",\"card_number\":\"4242424242424242\"}"));
    }

    @Test
    void cycleCreditSpentBeforeBundle() {
        Setup setup = subscribe("\"period_amount\":\"10.00\",\"credit_bundles\":[{\"name\":\"B\","
                + "\"cost\":\"5.00\",\"credit_amount\":\"5.00\"}]", "4");
        buyBundle(setup);

        use(setup, 3);

        // Cycle 10 and bundle 5; three requests of 4: 10 from the cycle first, then 2 from the bundle.
        JsonNode credits = subscription(setup.customerId()).get("credits");
        assertThat(credits.get("cycle_remaining").asText()).isEqualTo("0.0000000000");
        assertThat(credits.get("bundle_remaining").asText()).isEqualTo("3.0000000000");
    }

    @Test
    void cancellationTakesEffectAtCycleEnd() {
        Setup setup = subscribe("\"period_amount\":\"25.00\"", "1");
        ok(server.delete(KEY, "/v1/subscriptions/" + setup.subscriptionId()));
        JsonNode pending = subscription(setup.customerId()).get("pending_change");
        assertThat(pending.get("type").asText()).isEqualTo("cancellation");

        advanceToCycleEnd(setup.customerId());

        JsonNode after = subscription(setup.customerId());
        assertThat(after.at("/plan/name").asText()).isEqualTo("Free");
        assertThat(after.get("subscription_id").asText()).isNotEqualTo(setup.subscriptionId());
    }

    @Test
    void renewalChargesEachCycleOnce() {
        Setup setup = subscribe("\"period_amount\":\"25.00\"", "1");
        Instant anchor = Instant.parse(subscription(setup.customerId()).get("cycle_start_at").asText());
        Instant threeMonthsLater = Cycles.boundary(anchor, BillingInterval.MONTH, 3).plusSeconds(1);

        JsonNode moved = ok(server.post(KEY, "/v1/test_helpers/customers/" + setup.customerId()
                + "/advance_clock", "{\"to\":\"" + threeMonthsLater + "\"}"));

        assertThat(moved.get("renewals").asInt()).isEqualTo(3);
        int payments = server.server().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM payments WHERE customer_id = :c AND purpose = 'renewal'"
                                + " AND status = 'succeeded'")
                .bind("c", setup.customerId()).mapTo(Integer.class).one());
        assertThat(payments).isEqualTo(3);
    }

    @Test
    void failedRenewalRetriedThenCancelled() {
        Setup setup = subscribe("\"period_amount\":\"25.00\"", "1");
        server.server().database().jdbi().useHandle(h -> h.createUpdate(
                        "UPDATE customers SET payment_method = '4000000000000002' WHERE id = :c")
                .bind("c", setup.customerId()).execute());

        advanceToCycleEnd(setup.customerId());
        assertThat(subscription(setup.customerId()).get("subscription_id").asText())
                .isEqualTo(setup.subscriptionId());
        Instant cycleEnd = Instant.parse(subscription(setup.customerId()).get("cycle_end_at").asText());
        // Retries after 1, 3 and 5 more days; the fourth failure cancels.
        ok(server.post(KEY, "/v1/test_helpers/customers/" + setup.customerId() + "/advance_clock",
                "{\"to\":\"" + cycleEnd.plusSeconds(10 * 86_400) + "\"}"));
        for (int day = 11; day <= 20; day++) {
            ok(server.post(KEY, "/v1/test_helpers/customers/" + setup.customerId()
                    + "/advance_clock", "{\"to\":\"" + cycleEnd.plusSeconds(day * 86_400L) + "\"}"));
        }

        assertThat(subscription(setup.customerId()).at("/plan/name").asText()).isEqualTo("Free");
    }

    @Test
    void autoTopUpBuysBundleOnce() {
        Setup setup = subscribe("\"period_amount\":\"2.00\",\"credit_bundles\":[{\"name\":\"Top\","
                + "\"cost\":\"3.00\",\"credit_amount\":\"3.00\"}],\"default_auto_top_up_bundle_index\":0",
                "1");
        // Credit 2: the second request brings it to 0, which buys the $3 bundle once; the third
        // request then leaves 2.
        use(setup, 3);

        assertThat(subscription(setup.customerId()).at("/credits/total_remaining").asText())
                .isEqualTo("2.0000000000");
    }

    @Test
    void topUpAtAdmissionAndAfterCharge() {
        Setup setup = subscribe("\"period_amount\":\"1.00\",\"included_credit\":\"0.25\","
                + "\"credit_bundles\":[{\"name\":\"Top\",\"cost\":\"1.00\",\"credit_amount\":"
                + "\"0.25\"}],\"default_auto_top_up_bundle_index\":0", "0.5");

        // Credit 0.25 does not cover the 0.50 hold, so admission buys the bundle. The charge
        // then brings the credit to zero, which buys it a second time for the same request.
        HttpResponse<String> response = Forwarding.post(server, GatewayServer.forwardToken(
                        setup.customerId(), setup.meterSlug()),
                "https://api.openai.com/v1/chat/completions", "{\"model\":\"gpt-4o-mini\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(total(setup.customerId())).isEqualTo("0.2500000000");
        int topUps = server.server().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM payments WHERE customer_id = :c"
                                + " AND purpose = 'top_up' AND status = 'succeeded'")
                .bind("c", setup.customerId()).mapTo(Integer.class).one());
        assertThat(topUps).isEqualTo(2);
    }

    @Test
    void renewalRunSkipsLiveSubscriptions() {
        Setup setup = subscribe("\"period_amount\":\"25.00\"", "1");
        String liveCustomer = ok(server.post(TestServer.LIVE_KEY, "/v1/customers",
                "{\"reference_id\":\"live-renewal-run\"}")).get("customer_id").asText();
        String liveCycleStart = server.get(TestServer.LIVE_KEY, "/v1/customers/" + liveCustomer
                + "/subscription").at("/subscription/cycle_start_at");
        Instant sandboxEnd = Instant.parse(subscription(setup.customerId()).get("cycle_end_at")
                .asText());
        // Both the sandbox plan and the live customer's Free plan renew monthly.
        Instant at = sandboxEnd.plus(Duration.ofDays(40));

        JsonNode run = ok(server.post(KEY, "/v1/test_helpers/renewals/run",
                "{\"at\":\"" + at + "\"}"));

        assertThat(run.get("renewals").asInt()).isPositive();
        assertThat(Instant.parse(subscription(setup.customerId()).get("cycle_start_at").asText()))
                .isAfter(sandboxEnd.minusSeconds(1));
        assertThat(Instant.parse(subscription(setup.customerId()).get("cycle_end_at").asText()))
                .isAfter(at);
        assertThat(server.get(TestServer.LIVE_KEY, "/v1/customers/" + liveCustomer
                + "/subscription").at("/subscription/cycle_start_at")).isEqualTo(liveCycleStart);
        String liveClock = server.server().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT test_clock_at FROM customers WHERE id = :c")
                .bind("c", liveCustomer).mapTo(String.class).one());
        assertThat(liveClock).isNull();
    }

    @Test
    void renewalRunNeedsSandboxKey() {
        ApiResponse response = server.post(TestServer.LIVE_KEY, "/v1/test_helpers/renewals/run",
                "{\"at\":\"2030-01-01T00:00:00Z\"}");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.at("/error/code")).isEqualTo("sandbox_only");
    }

    @Test
    void renewalRunRejectsFarFuture() {
        ApiResponse response = server.post(KEY, "/v1/test_helpers/renewals/run",
                "{\"at\":\"9999-12-31T23:59:59Z\"}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.at("/error/param")).isEqualTo("at");
        assertThat(response.at("/error/message")).contains("at most 3653 days");
    }

    @Test
    void advanceClockRejectsGoingBack() {
        Setup setup = subscribe("\"period_amount\":\"25.00\"", "1");

        ApiResponse response = server.post(KEY, "/v1/test_helpers/customers/" + setup.customerId()
                + "/advance_clock", "{\"to\":\"2000-01-01T00:00:00Z\"}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.at("/error/param")).isEqualTo("to");
    }

    @Test
    void listFiltersByStatusAndCustomer() {
        Setup setup = subscribe("\"period_amount\":\"25.00\"", "1");
        ok(server.delete(KEY, "/v1/subscriptions/" + setup.subscriptionId()));
        advanceToCycleEnd(setup.customerId());

        JsonNode cancelled = ok(server.get(KEY, "/v1/subscriptions?status=cancelled&customer_id="
                + setup.customerId()));
        JsonNode all = ok(server.get(KEY, "/v1/subscriptions?status=all&customer_id="
                + setup.customerId()));

        // The customer started on Free, bought the plan, cancelled it, and is back on Free.
        assertThat(cancelled.get("data").size()).isEqualTo(2);
        assertThat(cancelled.at("/data/0/subscription_id").asText()).isEqualTo(setup.subscriptionId());
        assertThat(cancelled.at("/data/0/customer_id").asText()).isEqualTo(setup.customerId());
        assertThat(cancelled.at("/data/0/customer/phone").asText()).startsWith("+1202555");
        assertThat(cancelled.at("/data/0/status").asText()).isEqualTo("cancelled");
        assertThat(all.get("data").size()).isEqualTo(3);
    }
}
