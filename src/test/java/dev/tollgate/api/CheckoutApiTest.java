package dev.tollgate.api;

import static dev.tollgate.testing.ApiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.Catalogue;
import dev.tollgate.testing.Concurrently;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checkout sessions: creation checks, the token the frontend SDK decodes, sandbox completion
 * with the test cards, expiry, returning customers, bundle purchases, and free-plan
 * subscriptions without checkout.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class CheckoutApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SANDBOX = TestServer.SANDBOX_KEY;
    private static final String LIVE = TestServer.LIVE_KEY;
    private static final String CARD_SUCCEEDS = "4242424242424242";
    private static final String CARD_DECLINED = "4000000000000002";
    private static final AtomicInteger PHONES = new AtomicInteger(600);

    private static MutableClock clock;
    private static TestServer server;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) {
        clock = new MutableClock(Instant.parse("2026-02-01T09:00:00Z"));
        server = TestServer.start(database, clock, Map.of());
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        try {
            assertThat(server.ledgerMismatch()).isEmpty();
        } finally {
            server.close();
        }
    }

    @Test
    void subscriptionModeNeedsPlan() {
        assertError(createSession("{\"checkout_mode\":\"subscription\","
                + "\"origin_url\":\"https://shop.example\"}"), 400, "missing_field", "plan_id");
    }

    @Test
    void unknownPlanRejected() {
        assertUnknownReference(createSession("{\"checkout_mode\":\"subscription\","
                        + "\"origin_url\":\"https://shop.example\",\"plan_id\":\"pln_test_nope\"}"),
                "plan_id", "pln_test_nope");
    }

    @Test
    void bundleModeNeedsCustomerAndBundle() {
        String customerId = new Catalogue(server).newCustomerId(SANDBOX, "bundle-buyer");
        String bundleId = paidPlan("12.00", "12.00").at("/credit_bundles/0/credit_bundle_id")
                .asText();

        assertError(createSession("{\"checkout_mode\":\"credit_bundle\","
                        + "\"origin_url\":\"https://shop.example\",\"credit_bundle_id\":\""
                        + bundleId + "\"}"),
                400, "missing_field", "customer_id");
        assertError(createSession("{\"checkout_mode\":\"credit_bundle\","
                        + "\"origin_url\":\"https://shop.example\",\"customer_id\":\""
                        + customerId + "\"}"),
                400, "missing_field", "credit_bundle_id");
        assertUnknownReference(createSession("{\"checkout_mode\":\"credit_bundle\","
                        + "\"origin_url\":\"https://shop.example\",\"customer_id\":\""
                        + customerId + "\",\"credit_bundle_id\":\"cb_test_nope\"}"),
                "credit_bundle_id", "cb_test_nope");
        assertUnknownReference(createSession("{\"checkout_mode\":\"credit_bundle\","
                        + "\"origin_url\":\"https://shop.example\",\"customer_id\":\"con_test_nope\","
                        + "\"credit_bundle_id\":\"" + bundleId + "\"}"),
                "customer_id", "con_test_nope");
    }

    @Test
    void invalidOriginRejected() {
        String planId = paidPlan("12.00", "12.00").get("plan_id").asText();
        for (String origin : List.of("shop.example", "ftp://shop.example",
                "javascript:alert(1)", "https://")) {
            assertError(createSession("{\"checkout_mode\":\"subscription\",\"origin_url\":\""
                    + origin + "\",\"plan_id\":\"" + planId + "\"}"), 400, "invalid_value",
                    "origin_url");
        }
    }

    @Test
    void unknownModeRejected() {
        assertError(createSession("{\"checkout_mode\":\"gift\","
                        + "\"origin_url\":\"https://shop.example\"}"),
                400, "invalid_value", "checkout_mode");
    }

    @Test
    void tokenCarriesSecretAndBase() throws IOException {
        String planId = paidPlan("12.00", "12.00").get("plan_id").asText();

        ApiResponse session = subscriptionSession(planId);

        assertThat(session.status()).as(session.text()).isEqualTo(201);
        assertThat(session.at("/checkout_session_id")).startsWith("cs_test_");
        assertThat(session.at("/checkout_mode")).isEqualTo("subscription");
        assertThat(session.at("/plan_id")).isEqualTo(planId);
        assertThat(session.at("/completed_at")).isNull();
        JsonNode token = JSON.readTree(Base64.getDecoder()
                .decode(session.at("/checkout_session_token")));
        assertThat(token.size()).isEqualTo(2);
        assertThat(token.get("secret").asText()).matches("css_[0-9a-f]{48}");
        assertThat(token.get("base").asText()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
        assertThat(Instant.parse(session.at("/expires_at")))
                .isEqualTo(Instant.parse(session.at("/created_at")).plus(Duration.ofMinutes(60)));
    }

    @Test
    void declinedCardCreatesNothing() {
        String planId = paidPlan("25.00", "30.00").get("plan_id").asText();
        String sessionId = subscriptionSession(planId).at("/checkout_session_id");
        String phone = nextPhone();

        ApiResponse declined = complete(SANDBOX, sessionId, phone, CARD_DECLINED);

        assertError(declined, 402, "card_declined", null);
        assertThat(customerPhones()).doesNotContain(phone);
    }

    @Test
    void completionStartsPaidSubscription() {
        String planId = paidPlan("25.00", "30.00").get("plan_id").asText();
        String sessionId = subscriptionSession(planId).at("/checkout_session_id");
        String phone = nextPhone();
        complete(SANDBOX, sessionId, phone, CARD_DECLINED);

        ApiResponse completed = complete(SANDBOX, sessionId, phone, "4242 4242 4242 4242");

        assertThat(completed.status()).as(completed.text()).isEqualTo(200);
        assertThat(completed.at("/completed_at")).isEqualTo("2026-02-01T09:00:00.000Z");
        String customerId = completed.at("/customer_id");
        assertThat(customerId).startsWith("con_test_");
        assertThat(server.get(SANDBOX, "/v1/customers/" + customerId).at("/contact/phone"))
                .isEqualTo(phone);
        ApiResponse subscription = subscriptionOf(customerId);
        assertThat(subscription.at("/subscription/plan_id")).isEqualTo(planId);
        assertThat(subscription.at("/subscription/status")).isEqualTo("active");
        assertThat(subscription.at("/subscription/credits/total_remaining"))
                .isEqualTo("30.0000000000");
        assertThat(subscription.at("/subscription/credits/cycle_remaining"))
                .isEqualTo("30.0000000000");
        assertThat(subscription.at("/subscription/credits/bundle_remaining"))
                .isEqualTo("0.0000000000");
    }

    @Test
    void secondCompletionGets409() {
        String planId = paidPlan("25.00", "30.00").get("plan_id").asText();
        String sessionId = subscriptionSession(planId).at("/checkout_session_id");
        String phone = nextPhone();
        String customerId = complete(SANDBOX, sessionId, phone, CARD_SUCCEEDS).at("/customer_id");

        ApiResponse again = complete(SANDBOX, sessionId, phone, CARD_SUCCEEDS);

        assertError(again, 409, "session_completed", null);
        assertThat(subscriptionOf(customerId).at("/subscription/credits/total_remaining"))
                .isEqualTo("30.0000000000");
    }

    @Test
    void expiredSessionGets410() {
        clock.set(Instant.parse("2026-02-02T09:00:00Z"));
        String planId = paidPlan("25.00", "30.00").get("plan_id").asText();
        String openId = subscriptionSession(planId).at("/checkout_session_id");
        String expiredId = subscriptionSession(planId).at("/checkout_session_id");
        String phone = nextPhone();

        clock.advance(Duration.ofMinutes(60).minusMillis(1));
        ApiResponse inTime = complete(SANDBOX, openId, phone, CARD_SUCCEEDS);
        clock.advance(Duration.ofMillis(1));
        ApiResponse late = complete(SANDBOX, expiredId, nextPhone(), CARD_SUCCEEDS);

        assertThat(inTime.status()).as(inTime.text()).isEqualTo(200);
        assertError(late, 410, "session_expired", null);
        assertThat(late.at("/error/message")).contains(expiredId);
        clock.set(Instant.parse("2026-02-01T09:00:00Z"));
    }

    @Test
    void returningCustomerFoundByPhone() {
        String firstPlan = paidPlan("10.00", "10.00").get("plan_id").asText();
        String secondPlan = paidPlan("20.00", "20.00").get("plan_id").asText();
        String phone = nextPhone();
        String firstCustomer = complete(SANDBOX, subscriptionSession(firstPlan)
                .at("/checkout_session_id"), phone, CARD_SUCCEEDS).at("/customer_id");

        ApiResponse second = complete(SANDBOX, subscriptionSession(secondPlan)
                .at("/checkout_session_id"), phone, CARD_SUCCEEDS);

        assertThat(second.status()).as(second.text()).isEqualTo(200);
        assertThat(second.at("/customer_id")).isEqualTo(firstCustomer);
        assertThat(subscriptionOf(firstCustomer).at("/subscription/plan_id")).isEqualTo(secondPlan);
        assertThat(customerPhones().stream().filter(phone::equals).count()).isEqualTo(1);
    }

    @Test
    void bundlePurchaseAddsBundleCredit() {
        JsonNode plan = paidPlan("10.00", "10.00");
        String bundleId = plan.at("/credit_bundles/0/credit_bundle_id").asText();
        String phone = nextPhone();
        String customerId = complete(SANDBOX, subscriptionSession(plan.get("plan_id").asText())
                .at("/checkout_session_id"), phone, CARD_SUCCEEDS).at("/customer_id");
        ApiResponse session = createSession("{\"checkout_mode\":\"credit_bundle\","
                + "\"origin_url\":\"https://shop.example\",\"customer_id\":\"" + customerId
                + "\",\"credit_bundle_id\":\"" + bundleId + "\"}");
        assertThat(session.status()).as(session.text()).isEqualTo(201);
        assertThat(session.at("/customer_id")).isEqualTo(customerId);

        ApiResponse completed = complete(SANDBOX, session.at("/checkout_session_id"), phone,
                CARD_SUCCEEDS);

        assertThat(completed.status()).as(completed.text()).isEqualTo(200);
        JsonNode credits = subscriptionOf(customerId).json().at("/subscription/credits");
        assertThat(credits.get("bundle_remaining").asText()).isEqualTo("7.5000000000");
        assertThat(credits.get("cycle_remaining").asText()).isEqualTo("10.0000000000");
        assertThat(credits.get("total_remaining").asText()).isEqualTo("17.5000000000");
    }

    @Test
    void liveKeyTestHelperGets403() {
        // Live sessions cannot be created without Stripe and SMS settings, so the helper is
        // called on an id that does not exist: the sandbox check comes first.
        ApiResponse completed = complete(LIVE, "cs_01KGC6WBM0ZAC84RT4V4BKY3CQ", nextPhone(),
                CARD_SUCCEEDS);

        assertError(completed, 403, "sandbox_only", null);
    }

    @Test
    void testHelperNeedsNoCardForFreePlan() {
        String freePlan = paidPlan("0", "2.50").get("plan_id").asText();
        String sessionId = subscriptionSession(freePlan).at("/checkout_session_id");
        String paidSessionId = subscriptionSession(paidPlan("9.00", "9.00").get("plan_id")
                .asText()).at("/checkout_session_id");

        ApiResponse completed = server.post(SANDBOX, "/v1/test_helpers/checkout_sessions/"
                + sessionId + "/complete", "{\"phone\":\"" + nextPhone() + "\"}");
        ApiResponse unpaid = server.post(SANDBOX, "/v1/test_helpers/checkout_sessions/"
                + paidSessionId + "/complete", "{\"phone\":\"" + nextPhone() + "\"}");

        assertThat(completed.status()).as(completed.text()).isEqualTo(200);
        assertThat(subscriptionOf(completed.at("/customer_id")).at("/subscription/plan_id"))
                .isEqualTo(freePlan);
        assertError(unpaid, 400, "missing_field", "card_number");
    }

    @Test
    void testHelperRejectsInvalidPhone() {
        String planId = paidPlan("9.00", "9.00").get("plan_id").asText();
        String sessionId = subscriptionSession(planId).at("/checkout_session_id");

        ApiResponse completed = complete(SANDBOX, sessionId, "+1 999 555 0100", CARD_SUCCEEDS);

        assertError(completed, 400, "invalid_value", "phone");
        assertThat(completed.at("/error/message")).contains("+1 999 555 0100")
                .contains("not a valid number");
        assertThat(customerPhones()).doesNotContain("+19995550100");
    }

    @Test
    void concurrentCompletionsChargeOnce() throws Exception {
        String planId = paidPlan("25.00", "30.00").get("plan_id").asText();
        String sessionId = subscriptionSession(planId).at("/checkout_session_id");
        String phone = nextPhone();

        List<ApiResponse> responses = Concurrently.run(8,
                i -> complete(SANDBOX, sessionId, phone, CARD_SUCCEEDS));

        List<Integer> statuses = responses.stream().map(ApiResponse::status).toList();
        assertThat(statuses).as(statuses.toString()).containsOnlyOnce(200);
        assertThat(statuses).as(statuses.toString()).containsOnly(200, 409);
        String customerId = responses.stream().filter(response -> response.status() == 200)
                .findFirst().orElseThrow().at("/customer_id");
        assertThat(subscriptionOf(customerId).at("/subscription/credits/total_remaining"))
                .isEqualTo("30.0000000000");
        long payments = server.server().database().jdbi().withHandle(handle -> handle
                .createQuery("SELECT COUNT(*) FROM payments WHERE customer_id = :customer")
                .bind("customer", customerId)
                .mapTo(Long.class)
                .one());
        assertThat(payments).isEqualTo(1);
    }

    @Test
    void freePlanSubscribesWithoutCheckout() {
        String customerId = new Catalogue(server).newCustomerId(SANDBOX, "free-subscriber");
        String freePlan = server.post(SANDBOX, "/v1/plans", "{\"name\":\"Starter\","
                + "\"period_amount\":\"0\",\"included_credit\":\"2.50\","
                + "\"billing_interval\":\"month\"}").at("/plan_id");

        ApiResponse created = server.post(SANDBOX, "/v1/subscriptions",
                "{\"customer_id\":\"" + customerId + "\",\"plan_id\":\"" + freePlan + "\"}");

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.at("/subscription/plan_id")).isEqualTo(freePlan);
        assertThat(created.at("/subscription/credits/total_remaining")).isEqualTo("2.5000000000");
    }

    @Test
    void paidPlanSubscriptionGets400() {
        String customerId = new Catalogue(server).newCustomerId(SANDBOX, "paid-subscriber");
        String paidPlanId = paidPlan("9.00", "9.00").get("plan_id").asText();

        ApiResponse created = server.post(SANDBOX, "/v1/subscriptions",
                "{\"customer_id\":\"" + customerId + "\",\"plan_id\":\"" + paidPlanId + "\"}");

        assertThat(created.status()).as(created.text()).isEqualTo(400);
        assertThat(created.at("/error/code")).isEqualTo("invalid_value");
        assertThat(created.at("/error/param")).isEqualTo("plan_id");
        assertThat(created.at("/error/message")).contains(paidPlanId);
        assertThat(created.at("/error/message")).contains("/v1/checkout_sessions");
        assertThat(subscriptionOf(customerId).at("/subscription/plan_id")).isNotEqualTo(paidPlanId);
    }

    /** Asserts a 400 for a field that names no object, with the value in the message. */
    private static void assertUnknownReference(ApiResponse response, String param, String value) {
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.at("/error/code")).isEqualTo("resource_missing");
        assertThat(response.at("/error/param")).isEqualTo(param);
        assertThat(response.at("/error/message")).contains(value);
    }

    /** Creates a monthly plan with one bundle that costs 5.00 and grants 7.50 credit. */
    private static JsonNode paidPlan(String price, String includedCredit) {
        ApiResponse plan = server.post(SANDBOX, "/v1/plans", "{\"name\":\""
                + Catalogue.uniqueName("Checkout plan") + "\",\"period_amount\":\"" + price
                + "\",\"included_credit\":\"" + includedCredit + "\",\"billing_interval\":\"month\","
                + "\"credit_bundles\":[{\"name\":\"Top up\",\"cost\":\"5.00\","
                + "\"credit_amount\":\"7.50\"}]}");
        assertThat(plan.status()).as(plan.text()).isEqualTo(201);
        return plan.json();
    }

    private static ApiResponse createSession(String json) {
        return server.post(SANDBOX, "/v1/checkout_sessions", json);
    }

    private static ApiResponse subscriptionSession(String planId) {
        ApiResponse session = createSession("{\"checkout_mode\":\"subscription\","
                + "\"origin_url\":\"https://shop.example\",\"plan_id\":\"" + planId + "\"}");
        assertThat(session.status()).as(session.text()).isEqualTo(201);
        return session;
    }

    private static ApiResponse complete(String key, String sessionId, String phone, String card) {
        return server.post(key, "/v1/test_helpers/checkout_sessions/" + sessionId + "/complete",
                "{\"phone\":\"" + phone + "\",\"card_number\":\"" + card + "\"}");
    }

    private static ApiResponse subscriptionOf(String customerId) {
        ApiResponse subscription = server.get(SANDBOX, "/v1/customers/" + customerId
                + "/subscription");
        assertThat(subscription.status()).as(subscription.text()).isEqualTo(200);
        return subscription;
    }

    private static List<String> customerPhones() {
        return new Catalogue(server).allItems(SANDBOX, "/v1/customers").stream()
                .map(customer -> customer.at("/contact/phone").asText())
                .toList();
    }

    private static String nextPhone() {
        return "+1202555" + String.format("%04d", PHONES.incrementAndGet());
    }
}
