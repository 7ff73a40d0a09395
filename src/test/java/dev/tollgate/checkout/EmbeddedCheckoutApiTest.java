package dev.tollgate.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.storage.Timestamps;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.Checkouts;
import dev.tollgate.testing.Concurrently;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EmbeddedCheckoutApiTest extends BothDatabases {
    private static final String KEY = TestServer.SANDBOX_KEY;
    private static final AtomicInteger PHONES = new AtomicInteger(300);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static String newPhone() {
        return "+1 202 555 " + String.format("%04d", PHONES.incrementAndGet());
    }

    private static ApiResponse step(String secret, String step, String json) {
        return server.send(null, "POST", "/embed/checkout/" + secret + "/" + step, json);
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

    /** Counts the rows a completion writes, to show that a rejected request wrote none. */
    private static Map<String, Long> rowCounts() {
        return server.server().database().jdbi().withHandle(handle -> Map.of(
                "customers", count(handle, "customers"),
                "subscriptions", count(handle, "subscriptions"),
                "payments", count(handle, "payments"),
                "completed", handle.createQuery("SELECT COUNT(*) FROM checkout_sessions"
                        + " WHERE completed_at IS NOT NULL").mapTo(Long.class).one()));
    }

    private static long count(org.jdbi.v3.core.Handle handle, String table) {
        return handle.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one();
    }

    private static Checkouts.Session verifiedSession(String phone) {
        Checkouts.Session session = Checkouts.subscription(server, KEY,
                Checkouts.plan(server, KEY, "20.00"));
        assertThat(step(session.secret(), "phone", "{\"phone\":\"" + phone + "\"}").status())
                .isEqualTo(200);
        ApiResponse verified = step(session.secret(), "code", "{\"code\":\"000000\"}");
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.at("/payment_due")).isEqualTo("true");
        return session;
    }

    @Test
    void pageRendersWithFramePolicy() {
        String planId = Checkouts.plan(server, KEY, "20.00");
        Checkouts.Session session = Checkouts.subscription(server, KEY, planId);

        HttpResponse<String> response = page(session.secret());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("frame-ancestors https://shop.example")
                .contains("script-src 'self'");
        assertThat(response.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(response.body()).contains("$20.00").contains("data-origin=\"https://shop.example\"");
    }

    @Test
    void fullFlowStartsSubscription() {
        String phone = newPhone();
        Checkouts.Session session = verifiedSession(phone);

        ApiResponse paid = step(session.secret(), "payment",
                "{\"card_number\":\"4242 4242 4242 4242\"}");

        assertThat(paid.status()).as(paid.text()).isEqualTo(200);
        String customerId = paid.at("/customer_id");
        assertThat(paid.at("/connection_id")).isEqualTo(customerId);
        assertThat(paid.at("/checkout_session_id")).isEqualTo(session.id());
        ApiResponse subscription = server.get(KEY, "/v1/customers/" + customerId + "/subscription");
        assertThat(subscription.at("/subscription/status")).isEqualTo("active");
        assertThat(server.get(KEY, "/v1/customers/" + customerId).at("/contact/phone"))
                .isEqualTo(phone.replace(" ", ""));
    }

    @Test
    void malformedPhoneIsRejected() {
        Checkouts.Session session = Checkouts.subscription(server, KEY,
                Checkouts.plan(server, KEY, "20.00"));
        Map<String, Long> before = rowCounts();

        for (String phone : new String[] {"2025550100", "+1 202", "phone", "+999 1234",
                "+1 999 555 0100", "+1 555 0100"}) {
            ApiResponse response = step(session.secret(), "phone", "{\"phone\":\"" + phone + "\"}");
            assertThat(response.status()).as(phone).isEqualTo(400);
            assertThat(response.at("/error/param")).as(phone).isEqualTo("phone");
        }
        ApiResponse unassigned = step(session.secret(), "phone",
                "{\"phone\":\"+1 999 555 0100\"}");
        assertThat(unassigned.at("/error/message")).contains("not a valid number");
        ApiResponse missing = step(session.secret(), "phone", "{}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(rowCounts()).isEqualTo(before);
    }

    @Test
    void wrongCodeDoesNotVerify() {
        Checkouts.Session session = Checkouts.subscription(server, KEY,
                Checkouts.plan(server, KEY, "20.00"));
        step(session.secret(), "phone", "{\"phone\":\"" + newPhone() + "\"}");

        ApiResponse wrong = step(session.secret(), "code", "{\"code\":\"111111\"}");
        ApiResponse pay = step(session.secret(), "payment", "{\"card_number\":\"4242424242424242\"}");

        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.at("/error/code")).isEqualTo("incorrect_code");
        assertThat(wrong.at("/error/message")).contains("4 tries left");
        assertThat(pay.status()).isEqualTo(409);
        assertThat(pay.at("/error/code")).isEqualTo("phone_not_verified");
    }

    @Test
    void wrongCodeRejectedAfterVerification() {
        Checkouts.Session session = verifiedSession(newPhone());

        ApiResponse wrong = step(session.secret(), "code", "{\"code\":\"999999\"}");
        ApiResponse right = step(session.secret(), "code", "{\"code\":\"000000\"}");
        ApiResponse paid = step(session.secret(), "payment", "{\"card_number\":\"4242424242424242\"}");

        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.at("/error/code")).isEqualTo("incorrect_code");
        assertThat(wrong.at("/error/message")).contains("4 tries left");
        assertThat(right.status()).as(right.text()).isEqualTo(200);
        assertThat(right.at("/verified")).isEqualTo("true");
        assertThat(paid.status()).as(paid.text()).isEqualTo(200);
    }

    @Test
    void wrongCodesAfterVerificationAreLimited() {
        Checkouts.Session session = verifiedSession(newPhone());

        for (int i = 0; i < PhoneVerifications.MAX_FAILED_ATTEMPTS; i++) {
            ApiResponse wrong = step(session.secret(), "code", "{\"code\":\"999999\"}");
            assertThat(wrong.at("/error/code")).as("try " + i).isEqualTo("incorrect_code");
        }
        ApiResponse blocked = step(session.secret(), "code", "{\"code\":\"000000\"}");

        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.at("/error/code")).isEqualTo("too_many_attempts");
    }

    @Test
    void concurrentPaymentsCompleteOnce() throws Exception {
        Checkouts.Session session = verifiedSession(newPhone());
        Map<String, Long> before = rowCounts();
        String[] cards = {"4242424242424242", "4242 4242 4242 4242", "4242-4242-4242-4242"};

        List<ApiResponse> responses = Concurrently.run(8, i -> step(session.secret(), "payment",
                "{\"card_number\":\"" + cards[i % cards.length] + "\"}"));

        Map<Integer, Long> statuses = responses.stream()
                .collect(Collectors.groupingBy(ApiResponse::status, Collectors.counting()));
        assertThat(statuses.get(200)).as(statuses.toString()).isEqualTo(1L);
        assertThat(statuses.keySet()).as(statuses.toString()).isSubsetOf(200, 409);
        for (ApiResponse response : responses) {
            if (response.status() == 409) {
                assertThat(response.at("/error/code")).as(response.text())
                        .isIn("payment_in_progress", "session_completed");
            }
        }
        Map<String, Long> after = rowCounts();
        assertThat(after.get("completed")).isEqualTo(before.get("completed") + 1);
        assertThat(after.get("customers")).isEqualTo(before.get("customers") + 1);
        assertThat(succeededPayments(session.id())).isEqualTo(1);
    }

    @Test
    void heldClaimBlocksPaymentUntilExpired() {
        Checkouts.Session session = verifiedSession(newPhone());
        Instant now = Instant.now();
        insertClaim(session.id(), now, now.plus(PaymentClaims.TIMEOUT));
        Map<String, Long> before = rowCounts();

        ApiResponse blocked = step(session.secret(), "payment",
                "{\"card_number\":\"4242424242424242\"}");
        Map<String, Long> afterBlocked = rowCounts();
        expireClaim(session.id(), now.minusSeconds(1));
        ApiResponse paid = step(session.secret(), "payment",
                "{\"card_number\":\"4242424242424242\"}");

        assertThat(blocked.status()).isEqualTo(409);
        assertThat(blocked.at("/error/code")).isEqualTo("payment_in_progress");
        assertThat(blocked.at("/error/message")).contains("already being processed");
        assertThat(afterBlocked).isEqualTo(before);
        assertThat(paid.status()).as(paid.text()).isEqualTo(200);
        assertThat(succeededPayments(session.id())).isEqualTo(1);
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

    private static long succeededPayments(String sessionId) {
        return server.server().database().jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT COUNT(*) FROM payments WHERE idempotency_key = :session"
                                + " AND status = 'succeeded'")
                .bind("session", sessionId)
                .mapTo(Long.class)
                .one());
    }

    @Test
    void tamperedSecretIsNotFound() {
        Checkouts.Session session = Checkouts.subscription(server, KEY,
                Checkouts.plan(server, KEY, "20.00"));
        String last = session.secret().substring(session.secret().length() - 1);
        String tampered = session.secret().substring(0, session.secret().length() - 1)
                + (last.equals("0") ? "1" : "0");

        for (String secret : new String[] {tampered, "css_short", session.id()}) {
            assertThat(page(secret).statusCode()).as(secret).isEqualTo(404);
            assertThat(page(secret).headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("frame-ancestors 'none'");
            assertThat(step(secret, "phone", "{\"phone\":\"+12025550100\"}").status()).isEqualTo(404);
            assertThat(step(secret, "code", "{\"code\":\"000000\"}").status()).isEqualTo(404);
            assertThat(step(secret, "payment", "{\"card_number\":\"4242424242424242\"}").status())
                    .isEqualTo(404);
        }
    }

    @Test
    void replayedPaymentIsRejected() {
        Checkouts.Session session = verifiedSession(newPhone());
        assertThat(step(session.secret(), "payment", "{\"card_number\":\"4242424242424242\"}")
                .status()).isEqualTo(200);
        Map<String, Long> before = rowCounts();

        ApiResponse replay = step(session.secret(), "payment",
                "{\"card_number\":\"4242424242424242\"}");
        ApiResponse resend = step(session.secret(), "phone", "{\"phone\":\"" + newPhone() + "\"}");

        assertThat(replay.status()).isEqualTo(409);
        assertThat(replay.at("/error/code")).isEqualTo("session_completed");
        assertThat(resend.status()).isEqualTo(409);
        assertThat(page(session.secret()).statusCode()).isEqualTo(409);
        assertThat(rowCounts()).isEqualTo(before);
    }

    @Test
    void declinedCardAllowsAnotherCard() {
        Checkouts.Session session = verifiedSession(newPhone());
        Map<String, Long> before = rowCounts();

        ApiResponse declined = step(session.secret(), "payment",
                "{\"card_number\":\"4000000000000002\"}");
        ApiResponse poor = step(session.secret(), "payment",
                "{\"card_number\":\"4000000000009995\"}");
        Map<String, Long> afterDeclines = rowCounts();
        ApiResponse paid = step(session.secret(), "payment",
                "{\"card_number\":\"4242424242424242\"}");

        assertThat(declined.status()).isEqualTo(402);
        assertThat(declined.at("/error/code")).isEqualTo("card_declined");
        assertThat(poor.at("/error/code")).isEqualTo("insufficient_funds");
        assertThat(afterDeclines.get("completed")).isEqualTo(before.get("completed"));
        assertThat(afterDeclines.get("subscriptions")).isEqualTo(before.get("subscriptions"));
        assertThat(paid.status()).isEqualTo(200);
    }

    @Test
    void invalidCardNumberIsRejected() {
        Checkouts.Session session = verifiedSession(newPhone());
        Map<String, Long> before = rowCounts();

        for (String card : new String[] {"4242424242424241", "1234", "abcd abcd abcd abcd", ""}) {
            ApiResponse response = step(session.secret(), "payment",
                    "{\"card_number\":\"" + card + "\"}");
            assertThat(response.status()).as(card).isEqualTo(400);
            assertThat(response.at("/error/param")).as(card).isEqualTo("card_number");
        }
        assertThat(rowCounts()).isEqualTo(before);
    }

    @Test
    void expiredSessionIsGone() {
        Checkouts.Session session = verifiedSession(newPhone());
        server.server().database().jdbi().useHandle(handle -> handle.createUpdate(
                "UPDATE checkout_sessions SET expires_at = '2020-01-01T00:00:00.000Z' WHERE id = :id")
                .bind("id", session.id()).execute());
        Map<String, Long> before = rowCounts();

        ApiResponse pay = step(session.secret(), "payment", "{\"card_number\":\"4242424242424242\"}");
        HttpResponse<String> html = page(session.secret());

        assertThat(pay.status()).isEqualTo(410);
        assertThat(pay.at("/error/code")).isEqualTo("session_expired");
        assertThat(html.statusCode()).isEqualTo(410);
        assertThat(html.body()).contains("This checkout has expired");
        assertThat(html.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("frame-ancestors https://shop.example");
        assertThat(rowCounts()).isEqualTo(before);
    }

    @Test
    void malformedBodiesAreRejected() {
        Checkouts.Session session = Checkouts.subscription(server, KEY,
                Checkouts.plan(server, KEY, "20.00"));

        for (String step : new String[] {"phone", "code", "payment"}) {
            ApiResponse response = step(session.secret(), step, "{not json");
            assertThat(response.status()).as(step).isEqualTo(400);
            assertThat(response.at("/error/code")).as(step).isEqualTo("invalid_json");
        }
    }

    @Test
    void bundleUsesPhoneOnFile() {
        String phone = newPhone();
        Checkouts.Session first = verifiedSession(phone);
        String customerId = step(first.secret(), "payment",
                "{\"card_number\":\"4242424242424242\"}").at("/customer_id");
        String planId = first.body().get("plan_id").asText();
        String bundleId = server.get(KEY, "/v1/plans/" + planId).at("/credit_bundles/0/credit_bundle_id");
        Checkouts.Session bundle = Checkouts.bundle(server, KEY, customerId, bundleId);
        String before = server.get(KEY, "/v1/customers/" + customerId + "/subscription")
                .at("/subscription/credits/bundle_remaining");

        ApiResponse otherPhone = step(bundle.secret(), "phone", "{\"phone\":\"+12025550999\"}");
        ApiResponse sent = step(bundle.secret(), "phone", "{}");
        ApiResponse verified = step(bundle.secret(), "code", "{\"code\":\"000000\"}");
        ApiResponse paid = step(bundle.secret(), "payment", "{\"card_number\":\"4242424242424242\"}");

        assertThat(page(bundle.secret()).body()).doesNotContain("data-phone-on-file-ending=\"\"");
        assertThat(otherPhone.status()).isEqualTo(400);
        assertThat(sent.status()).isEqualTo(200);
        assertThat(verified.at("/returning_customer")).isEqualTo("true");
        assertThat(paid.at("/customer_id")).isEqualTo(customerId);
        assertThat(before).isEqualTo("0.0000000000");
        assertThat(server.get(KEY, "/v1/customers/" + customerId + "/subscription")
                .at("/subscription/credits/bundle_remaining")).isEqualTo("5.0000000000");
    }

    @Test
    void liveCheckoutNeedsSettings() {
        ApiResponse response = server.post(TestServer.LIVE_KEY, "/v1/checkout_sessions",
                "{\"checkout_mode\":\"subscription\",\"origin_url\":\"https://shop.example\","
                        + "\"plan_id\":\"pln_x\"}");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.at("/error/message")).contains("TWILIO_ACCOUNT_SID")
                .contains("TWILIO_AUTH_TOKEN").contains("TWILIO_FROM").contains("STRIPE_SECRET_KEY")
                .contains("STRIPE_PUBLISHABLE_KEY");
    }

    private static String savedMethod(String customerId) {
        return server.server().database().jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT payment_method FROM customers WHERE id = :id")
                .bind("id", customerId).mapTo(String.class).findOne().orElse(null));
    }

    @Test
    void freePlanNeedsNoCard() {
        Checkouts.Session session = Checkouts.subscription(server, KEY,
                Checkouts.plan(server, KEY, "0.00"));
        step(session.secret(), "phone", "{\"phone\":\"" + newPhone() + "\"}");

        ApiResponse verified = step(session.secret(), "code", "{\"code\":\"000000\"}");
        ApiResponse garbage = step(session.secret(), "payment", "{\"card_number\":\"1234\"}");
        ApiResponse paid = step(session.secret(), "payment", "{}");

        assertThat(verified.at("/payment_due")).isEqualTo("false");
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.at("/error/param")).isEqualTo("card_number");
        assertThat(paid.status()).as(paid.text()).isEqualTo(200);
        assertThat(savedMethod(paid.at("/customer_id"))).isNull();
        assertThat(server.get(KEY, "/v1/customers/" + paid.at("/customer_id") + "/subscription")
                .at("/subscription/status")).isEqualTo("active");
    }

    @Test
    void downgradeKeepsSavedCard() {
        String phone = newPhone();
        Checkouts.Session first = verifiedSession(phone);
        String customerId = step(first.secret(), "payment",
                "{\"card_number\":\"4242424242424242\"}").at("/customer_id");
        String cheaperPlan = Checkouts.plan(server, KEY, "5.00");
        Checkouts.Session downgrade = Checkouts.subscription(server, KEY, cheaperPlan);
        step(downgrade.secret(), "phone", "{\"phone\":\"" + phone + "\"}");

        ApiResponse verified = step(downgrade.secret(), "code", "{\"code\":\"000000\"}");
        ApiResponse paid = step(downgrade.secret(), "payment",
                "{\"card_number\":\"4000000000000002\"}");

        assertThat(verified.at("/payment_due")).isEqualTo("false");
        assertThat(paid.status()).as(paid.text()).isEqualTo(200);
        assertThat(paid.at("/customer_id")).isEqualTo(customerId);
        assertThat(savedMethod(customerId)).isEqualTo("4242424242424242");
        assertThat(server.get(KEY, "/v1/customers/" + customerId + "/subscription")
                .at("/subscription/pending_change/type")).isEqualTo("downgrade");
    }

    @Test
    void paidPlanNeedsCardNumber() {
        Checkouts.Session session = verifiedSession(newPhone());

        ApiResponse missing = step(session.secret(), "payment", "{}");
        ApiResponse live = step(session.secret(), "payment",
                "{\"payment_method_id\":\"pm_card_visa\"}");

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.at("/error/param")).isEqualTo("card_number");
        assertThat(live.status()).isEqualTo(400);
        assertThat(live.at("/error/param")).isEqualTo("payment_method_id");
    }
}
