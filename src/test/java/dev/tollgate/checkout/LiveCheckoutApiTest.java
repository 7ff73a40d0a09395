package dev.tollgate.checkout;

import static dev.tollgate.testing.ApiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.money.Money;
import dev.tollgate.payments.PaymentProcessor;
import dev.tollgate.payments.StripeCardProcessor;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.Checkouts;
import dev.tollgate.testing.Concurrently;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.StripeStandIn;
import dev.tollgate.testing.TestServer;
import dev.tollgate.testing.TwilioStandIn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Live checkout through the page's JSON steps, with Twilio and Stripe replaced by stand-ins on
 * 127.0.0.1: the page's Stripe.js settings and policy, saving and charging the card, declines,
 * and renewals and top-ups of live customers charged through Stripe while sandbox customers
 * never are.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class LiveCheckoutApiTest {
    private static final String LIVE = TestServer.LIVE_KEY;
    private static final String SANDBOX = TestServer.SANDBOX_KEY;
    private static final AtomicInteger PHONES = new AtomicInteger(700);
    private static final AtomicInteger METHODS = new AtomicInteger();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    /** The renewal scheduler runs every 10 seconds, so a renewal may take that long to start. */
    private static final Duration MAX_RENEWAL_WAIT = Duration.ofSeconds(40);

    private static MutableClock clock;
    private static TwilioStandIn twilio;
    private static StripeStandIn stripe;
    private static TestServer server;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) {
        clock = new MutableClock(Instant.parse("2026-03-01T09:00:00Z"));
        twilio = TwilioStandIn.start();
        stripe = StripeStandIn.start();
        Map<String, String> env = new HashMap<>(twilio.settings());
        env.putAll(stripe.settings());
        server = TestServer.start(database, clock, env);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        try {
            assertThat(server.ledgerMismatch()).isEmpty();
        } finally {
            server.close();
            stripe.close();
            twilio.close();
        }
    }

    private static String newPhone() {
        return "+1202555" + String.format("%04d", PHONES.incrementAndGet());
    }

    /** Returns a payment method id as the stand-in Stripe.js creates it for {@code card}. */
    private static String paymentMethod(String card) {
        return "pm_standin_" + card + "_" + METHODS.incrementAndGet();
    }

    private static ApiResponse step(String secret, String step, String json) {
        return server.send(null, "POST", "/embed/checkout/" + secret + "/" + step, json);
    }

    /** Creates a live session for a new plan of {@code amount} and verifies {@code phone}. */
    private static Checkouts.Session verifiedSession(String amount, String phone) {
        Checkouts.Session session = Checkouts.subscription(server, LIVE,
                Checkouts.plan(server, LIVE, amount));
        verify(session, phone);
        return session;
    }

    private static ApiResponse verify(Checkouts.Session session, String phone) {
        ApiResponse sent = step(session.secret(), "phone", "{\"phone\":\"" + phone + "\"}");
        assertThat(sent.status()).as(sent.text()).isEqualTo(200);
        String code = twilio.lastCode(phone).orElseThrow();
        ApiResponse verified = step(session.secret(), "code", "{\"code\":\"" + code + "\"}");
        assertThat(verified.status()).as(verified.text()).isEqualTo(200);
        return verified;
    }

    private static ApiResponse pay(Checkouts.Session session, String paymentMethodId) {
        return step(session.secret(), "payment",
                "{\"payment_method_id\":\"" + paymentMethodId + "\"}");
    }

    private static HttpResponse<String> page(String secret) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.port() + "/embed/checkout/" + secret)).build();
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static <T> T query(org.jdbi.v3.core.HandleCallback<T, RuntimeException> callback) {
        return server.server().database().jdbi().withHandle(callback);
    }

    private static String savedMethod(String customerId) {
        return query(handle -> handle.createQuery(
                        "SELECT payment_method FROM customers WHERE id = :id")
                .bind("id", customerId).mapTo(String.class).one());
    }

    private static long count(String sql, String customerId) {
        return query(handle -> handle.createQuery(sql).bind("customer", customerId)
                .mapTo(Long.class).one());
    }

    /** Returns the PaymentIntents the Stripe stand-in received for a Stripe customer. */
    private static List<StripeStandIn.Received> intentsFor(String stripeCustomerId) {
        return stripe.received("/v1/payment_intents").stream()
                .filter(request -> stripeCustomerId.equals(request.form().get("customer")))
                .toList();
    }

    @Test
    void livePageLoadsStripeJs() {
        Checkouts.Session live = Checkouts.subscription(server, LIVE,
                Checkouts.plan(server, LIVE, "25.00"));
        Checkouts.Session sandbox = Checkouts.subscription(server, SANDBOX,
                Checkouts.plan(server, SANDBOX, "25.00"));
        String scriptOrigin = stripe.scriptUrl().replaceAll("/v3/$", "");

        HttpResponse<String> livePage = page(live.secret());
        HttpResponse<String> sandboxPage = page(sandbox.secret());

        assertThat(livePage.statusCode()).as(livePage.body()).isEqualTo(200);
        String livePolicy = livePage.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(livePolicy).contains("script-src 'self' " + scriptOrigin + ";")
                .contains("frame-src " + scriptOrigin + ";")
                .contains("connect-src 'self' " + stripe.apiBase() + ";")
                .contains("frame-ancestors https://shop.example");
        assertThat(livePage.body())
                .contains("data-stripe-key=\"" + StripeStandIn.PUBLISHABLE_KEY + "\"")
                .contains("data-stripe-js-url=\"" + stripe.scriptUrl() + "\"")
                .doesNotContain(StripeStandIn.SECRET_KEY);
        String sandboxPolicy = sandboxPage.headers().firstValue("Content-Security-Policy")
                .orElseThrow();
        assertThat(sandboxPolicy).doesNotContain("127.0.0.1").doesNotContain("frame-src");
        assertThat(sandboxPage.body()).contains("data-stripe-key=\"\"")
                .contains("data-stripe-js-url=\"\"")
                .doesNotContain(stripe.scriptUrl());
    }

    @Test
    void liveCheckoutSavesAndChargesCard() {
        String phone = newPhone();
        Checkouts.Session session = verifiedSession("25.00", phone);
        String method = paymentMethod(StripeStandIn.CARD_SUCCEEDS);

        ApiResponse paid = pay(session, method);

        assertThat(paid.status()).as(paid.text()).isEqualTo(200);
        String customerId = paid.at("/customer_id");
        assertThat(customerId).startsWith("con_").doesNotContain("_test_");
        assertThat(server.get(LIVE, "/v1/customers/" + customerId + "/subscription")
                .at("/subscription/status")).isEqualTo("active");
        List<StripeStandIn.Received> saves = stripe.received("/v1/customers").stream()
                .filter(request -> method.equals(request.form().get("payment_method")))
                .toList();
        assertThat(saves).hasSize(1);
        StripeStandIn.Received save = saves.get(0);
        assertThat(save.authorization()).isEqualTo("Bearer " + StripeStandIn.SECRET_KEY);
        assertThat(save.idempotencyKey()).isNotBlank();
        assertThat(save.form()).containsEntry("invoice_settings[default_payment_method]", method);
        String saved = savedMethod(customerId);
        assertThat(saved).matches("cus_standin[0-9]+\\|" + method);
        List<StripeStandIn.Received> intents = intentsFor(saved.split("\\|")[0]);
        assertThat(intents).hasSize(1);
        StripeStandIn.Received intent = intents.get(0);
        assertThat(intent.form()).containsEntry("amount", "2500")
                .containsEntry("currency", "usd")
                .containsEntry("payment_method", method)
                .containsEntry("confirm", "true")
                .containsEntry("off_session", "true");
        assertThat(intent.idempotencyKey()).startsWith(session.id() + ":");
        assertThat(twilio.lastCode(phone)).isPresent();
    }

    @Test
    void cardNumberRejectedInLive() {
        Checkouts.Session session = verifiedSession("25.00", newPhone());
        int before = stripe.received().size();

        ApiResponse card = step(session.secret(), "payment",
                "{\"card_number\":\"4242424242424242\"}");
        ApiResponse missing = step(session.secret(), "payment", "{}");

        assertError(card, 400, "invalid_value", "card_number");
        assertError(missing, 400, "missing_field", "payment_method_id");
        for (String id : new String[] {"pm_", "card_1", "pm_a b", "pm_x;drop", "tok_visa",
                "pm_" + "a".repeat(120), ""}) {
            assertError(pay(session, id), 400, "invalid_value", "payment_method_id");
        }
        assertThat(stripe.received()).hasSize(before);
        assertThat(page(session.secret()).statusCode()).isEqualTo(200);
    }

    @Test
    void declinedCardAllowsAnotherCard() {
        Checkouts.Session session = verifiedSession("25.00", newPhone());
        long failedBefore = failedLiveCheckoutPayments();

        ApiResponse declinedOnSave = pay(session,
                paymentMethod(StripeStandIn.CARD_DECLINED_ON_SAVE));
        ApiResponse declinedOnCharge = pay(session,
                paymentMethod(StripeStandIn.CARD_DECLINED_ON_CHARGE));
        ApiResponse needsAuthentication = pay(session,
                paymentMethod(StripeStandIn.CARD_NEEDS_AUTHENTICATION));
        String completedAfterDeclines = completedAt(session.id());
        ApiResponse paid = pay(session, paymentMethod(StripeStandIn.CARD_SUCCEEDS));

        assertError(declinedOnSave, 402, "generic_decline", null);
        assertThat(declinedOnSave.at("/error/message")).contains("Use another card");
        assertError(declinedOnCharge, 402, "generic_decline", null);
        assertError(needsAuthentication, 402, "authentication_required", null);
        assertThat(needsAuthentication.at("/error/message")).contains("Use another card");
        assertThat(completedAfterDeclines).isNull();
        assertThat(failedLiveCheckoutPayments()).isEqualTo(failedBefore + 3);
        assertThat(paid.status()).as(paid.text()).isEqualTo(200);
        assertThat(completedAt(session.id())).isNotNull();
        assertThat(savedMethod(paid.at("/customer_id")))
                .contains("pm_standin_" + StripeStandIn.CARD_SUCCEEDS + "_");
    }

    @Test
    void stripeFailureGets502() {
        Checkouts.Session session = verifiedSession("25.00", newPhone());

        ApiResponse onSave = pay(session, paymentMethod(StripeStandIn.CARD_API_ERROR_ON_SAVE));
        ApiResponse onCharge = pay(session,
                paymentMethod(StripeStandIn.CARD_API_ERROR_ON_CHARGE));

        assertError(onSave, 502, "processor_error", null);
        assertError(onCharge, 502, "processor_error", null);
        assertThat(onCharge.at("/error/message")).contains("Try again later");
        assertThat(completedAt(session.id())).isNull();
        assertThat(pay(session, paymentMethod(StripeStandIn.CARD_SUCCEEDS)).status())
                .isEqualTo(200);
    }

    @Test
    void concurrentPaysChargeOnce() throws Exception {
        Checkouts.Session session = verifiedSession("9.99", newPhone());
        List<String> methods = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            methods.add(paymentMethod(StripeStandIn.CARD_SUCCEEDS));
        }

        List<ApiResponse> responses = Concurrently.run(methods.size(),
                i -> pay(session, methods.get(i)));

        Map<Integer, Long> statuses = responses.stream()
                .collect(Collectors.groupingBy(ApiResponse::status, Collectors.counting()));
        assertThat(statuses.get(200)).as(statuses.toString()).isEqualTo(1L);
        assertThat(statuses.get(409)).as(statuses.toString()).isEqualTo(7L);
        for (ApiResponse response : responses) {
            if (response.status() == 409) {
                assertThat(response.at("/error/code")).as(response.text())
                        .isIn("payment_in_progress", "session_completed");
            }
        }
        assertThat(chargesFor(session.id())).hasSize(1);
        assertThat(stripe.received("/v1/customers").stream()
                .filter(request -> request.idempotencyKey().startsWith(session.id() + ":save:"))
                .toList()).hasSize(1);
        assertThat(completedAt(session.id())).isNotNull();
    }

    @Test
    void expiredClaimReplaysFirstCharge() {
        Checkouts.Session session = verifiedSession("25.00", newPhone());
        String method = paymentMethod(StripeStandIn.CARD_SUCCEEDS);
        // Another node saved and charged the card, then stopped before completing.
        StripeCardProcessor otherNode = new StripeCardProcessor(StripeStandIn.SECRET_KEY,
                stripe.apiBase());
        String saved = otherNode.saveCard(method,
                CheckoutSessions.saveIdempotencyKey(session.id(), method));
        PaymentProcessor.ChargeResult first = otherNode.charge(new PaymentProcessor.ChargeRequest(
                CheckoutSessions.chargeIdempotencyKey(session.id(), saved), saved,
                Money.fromExact(new BigDecimal("25.00")), "Checkout " + session.id()));
        Instant now = clock.instant();
        insertClaim(session.id(), now, now.plus(PaymentClaims.TIMEOUT));
        int requestsBefore = stripe.received().size();

        ApiResponse blocked = pay(session, paymentMethod(StripeStandIn.CARD_SUCCEEDS));
        int requestsWhileBlocked = stripe.received().size();
        expireClaim(session.id(), now.minusSeconds(1));
        ApiResponse retried = pay(session, method);

        assertThat(first.succeeded()).isTrue();
        assertError(blocked, 409, "payment_in_progress", null);
        assertThat(requestsWhileBlocked).isEqualTo(requestsBefore);
        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        List<StripeStandIn.Received> charges = chargesFor(session.id());
        assertThat(charges).hasSize(2);
        assertThat(charges.stream().map(StripeStandIn.Received::idempotencyKey).distinct())
                .hasSize(1);
        assertThat(savedMethod(retried.at("/customer_id"))).isEqualTo(saved);
        assertThat(completedAt(session.id())).isNotNull();
    }

    /** Returns the PaymentIntent requests of a checkout session that the stand-in received. */
    private static List<StripeStandIn.Received> chargesFor(String sessionId) {
        return stripe.received("/v1/payment_intents").stream()
                .filter(request -> ("Checkout " + sessionId).equals(
                        request.form().get("description")))
                .toList();
    }

    /** Inserts the claim that an attempt on another node holds while it charges a card. */
    private static void insertClaim(String sessionId, Instant claimedAt, Instant expiresAt) {
        server.server().database().jdbi().useHandle(handle -> handle.createUpdate("""
                        INSERT INTO checkout_payment_claims (session_id, claim_id, payment_hash,
                            claimed_at, expires_at)
                        VALUES (:session, 'other-node', 'hash', :claimed, :expires)""")
                .bind("session", sessionId)
                .bind("claimed", Timestamps.format(claimedAt))
                .bind("expires", Timestamps.format(expiresAt))
                .execute());
    }

    private static void expireClaim(String sessionId, Instant expiresAt) {
        server.server().database().jdbi().useHandle(handle -> handle.createUpdate(
                        "UPDATE checkout_payment_claims SET expires_at = :expires"
                                + " WHERE session_id = :session")
                .bind("session", sessionId)
                .bind("expires", Timestamps.format(expiresAt))
                .execute());
    }

    private static long failedLiveCheckoutPayments() {
        return query(handle -> handle.createQuery("SELECT COUNT(*) FROM payments WHERE"
                        + " environment = 'live' AND status = 'failed'"
                        + " AND purpose LIKE 'checkout:%'")
                .mapTo(Long.class).one());
    }

    private static String completedAt(String sessionId) {
        return query(handle -> handle.createQuery(
                        "SELECT completed_at FROM checkout_sessions WHERE id = :id")
                .bind("id", sessionId).mapTo(String.class).findOne().orElse(null));
    }

    @Test
    void liveRenewalChargesSavedCard() throws InterruptedException {
        Checkouts.Session session = verifiedSession("30.00", newPhone());
        String liveCustomer = pay(session, paymentMethod(StripeStandIn.CARD_SUCCEEDS))
                .at("/customer_id");
        String stripeCustomer = savedMethod(liveCustomer).split("\\|")[0];
        int sandboxStripeRequests = stripe.received().size();
        String sandboxCustomer = sandboxSubscriber("30.00");
        assertThat(stripe.received()).hasSize(sandboxStripeRequests);
        Instant cycleEnd = Instant.parse(server.get(LIVE, "/v1/customers/" + liveCustomer
                + "/subscription").at("/subscription/cycle_end_at"));

        clock.set(cycleEnd.plusSeconds(1));
        List<StripeStandIn.Received> intents = awaitIntents(stripeCustomer, 2);

        StripeStandIn.Received renewal = intents.get(1);
        assertThat(renewal.form()).containsEntry("amount", "3000")
                .containsEntry("payment_method", savedMethod(liveCustomer).split("\\|")[1])
                .containsEntry("off_session", "true")
                .containsEntry("confirm", "true");
        assertThat(renewal.idempotencyKey()).startsWith("renewal:");
        awaitSandboxRenewal(sandboxCustomer);
        // Every Stripe request since the sandbox checkout renews a live customer's saved card.
        List<StripeStandIn.Received> all = stripe.received();
        assertThat(all.subList(sandboxStripeRequests, all.size())).allSatisfy(request -> {
            assertThat(request.path()).isEqualTo("/v1/payment_intents");
            assertThat(request.form().get("customer")).startsWith("cus_standin");
            assertThat(request.idempotencyKey()).startsWith("renewal:");
        });
    }

    /** Subscribes a sandbox customer through the test helper and returns its id. */
    private static String sandboxSubscriber(String amount) {
        String planId = Checkouts.plan(server, SANDBOX, amount);
        Checkouts.Session session = Checkouts.subscription(server, SANDBOX, planId);
        ApiResponse completed = server.post(SANDBOX, "/v1/test_helpers/checkout_sessions/"
                + session.id() + "/complete", "{\"phone\":\"" + newPhone()
                + "\",\"card_number\":\"4242424242424242\"}");
        assertThat(completed.status()).as(completed.text()).isEqualTo(200);
        return completed.at("/customer_id");
    }

    private static List<StripeStandIn.Received> awaitIntents(String stripeCustomer, int expected)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(MAX_RENEWAL_WAIT);
        while (intentsFor(stripeCustomer).size() < expected && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(intentsFor(stripeCustomer)).as("PaymentIntents of %s", stripeCustomer)
                .hasSize(expected);
        return intentsFor(stripeCustomer);
    }

    private static void awaitSandboxRenewal(String customerId) throws InterruptedException {
        String sql = "SELECT COUNT(*) FROM payments WHERE customer_id = :customer"
                + " AND purpose = 'renewal' AND status = 'succeeded'";
        Instant deadline = Instant.now().plus(MAX_RENEWAL_WAIT);
        while (count(sql, customerId) == 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(count(sql, customerId)).as("sandbox renewal payments").isEqualTo(1);
    }

    @Test
    void liveTopUpChargesSavedCard() {
        JsonNode meter = server.post(LIVE, "/v1/meters", "{\"name\":\"Live use "
                + PHONES.get() + "\",\"rate_type\":\"fixed\",\"tier_type\":\"requests\","
                + "\"tiers\":[{\"start\":\"0\",\"rate\":\"1\"}]}").json();
        ApiResponse plan = server.post(LIVE, "/v1/plans", "{\"name\":\"Live top-up\","
                + "\"period_amount\":\"2.00\",\"billing_interval\":\"month\",\"meter_ids\":[\""
                + meter.get("meter_id").asText() + "\"],\"credit_bundles\":[{\"name\":\"Top\","
                + "\"cost\":\"3.00\",\"credit_amount\":\"3.00\"}],"
                + "\"default_auto_top_up_bundle_index\":0}");
        assertThat(plan.status()).as(plan.text()).isEqualTo(201);
        Checkouts.Session session = Checkouts.subscription(server, LIVE, plan.at("/plan_id"));
        verify(session, newPhone());
        String customerId = pay(session, paymentMethod(StripeStandIn.CARD_SUCCEEDS))
                .at("/customer_id");
        String stripeCustomer = savedMethod(customerId).split("\\|")[0];

        for (int i = 0; i < 2; i++) {
            ApiResponse used = server.post(LIVE, "/v1/requests", "{\"request_id\":\"live-use-"
                    + customerId + "-" + i + "\",\"customer_id\":\"" + customerId
                    + "\",\"meter_slug\":\"" + meter.get("meter_slug").asText() + "\"}");
            assertThat(used.status()).as(used.text()).isLessThan(300);
        }

        List<StripeStandIn.Received> intents = intentsFor(stripeCustomer);
        assertThat(intents).hasSize(2);
        assertThat(intents.get(1).form()).containsEntry("amount", "300")
                .containsEntry("off_session", "true");
        assertThat(intents.get(1).idempotencyKey()).startsWith("topup:");
        assertThat(server.get(LIVE, "/v1/customers/" + customerId + "/subscription")
                .at("/subscription/credits/total_remaining")).isEqualTo("3.0000000000");
    }

    @Test
    void liveWithoutStripeFailsClearly() {
        try (TestServer bare = TestServer.start(database, clock, twilio.settings())) {
            String customerId = bare.post(LIVE, "/v1/customers",
                    "{\"reference_id\":\"no-stripe\"}").at("/customer_id");
            String planId = bare.post(LIVE, "/v1/plans", "{\"name\":\"Free with top-ups\","
                    + "\"period_amount\":\"0\",\"included_credit\":\"0\","
                    + "\"billing_interval\":\"month\",\"credit_bundles\":[{\"name\":\"Top\","
                    + "\"cost\":\"3.00\",\"credit_amount\":\"3.00\"}],"
                    + "\"default_auto_top_up_bundle_index\":0}").at("/plan_id");
            ApiResponse subscribed = bare.post(LIVE, "/v1/subscriptions", "{\"customer_id\":\""
                    + customerId + "\",\"plan_id\":\"" + planId + "\"}");
            assertThat(subscribed.status()).as(subscribed.text()).isEqualTo(201);
            bare.server().database().jdbi().useHandle(handle -> handle.createUpdate(
                            "UPDATE customers SET payment_method = 'cus_gone|pm_gone' WHERE id = :id")
                    .bind("id", customerId).execute());
            String slug = bare.post(LIVE, "/v1/meters", "{\"name\":\"Use\",\"rate_type\":"
                    + "\"fixed\",\"tier_type\":\"requests\",\"tiers\":[{\"start\":\"0\","
                    + "\"rate\":\"1\"}]}").at("/meter_slug");
            int before = stripe.received().size();

            ApiResponse used = bare.post(LIVE, "/v1/requests", "{\"request_id\":\"no-stripe-1\","
                    + "\"customer_id\":\"" + customerId + "\",\"meter_slug\":\"" + slug + "\"}");
            ApiResponse checkout = bare.post(LIVE, "/v1/checkout_sessions",
                    "{\"checkout_mode\":\"subscription\",\"origin_url\":\"https://shop.example\","
                            + "\"plan_id\":\"" + planId + "\"}");

            // Recorded usage is charged even without credit; the top-up it starts then fails.
            assertThat(used.status()).as(used.text()).isEqualTo(201);
            String failure = bare.server().database().jdbi().withHandle(handle ->
                    handle.createQuery("SELECT failure_code FROM payments WHERE customer_id = :c"
                                    + " AND purpose = 'top_up'")
                            .bind("c", customerId).mapTo(String.class).one());
            assertThat(failure).isEqualTo("payments_not_configured");
            assertThat(stripe.received()).hasSize(before);
            assertThat(checkout.status()).isEqualTo(503);
            assertThat(checkout.at("/error/message")).contains("STRIPE_SECRET_KEY")
                    .contains("STRIPE_PUBLISHABLE_KEY").doesNotContain("TWILIO");
        }
    }
}
