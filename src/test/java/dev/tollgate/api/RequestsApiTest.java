package dev.tollgate.api;

import static dev.tollgate.testing.ApiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.accounts.Merchants;
import dev.tollgate.accounts.SecretKeys;
import dev.tollgate.core.Ids;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.Catalogue;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.GatewayServer.Subscriber;
import dev.tollgate.testing.TestServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code /v1/requests}: usage recorded with {@code POST} and billed once per request id, the
 * list's filters and pages, and retrieval scoped to the caller's merchant and environment.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class RequestsApiTest {
    private static final String SANDBOX = TestServer.SANDBOX_KEY;
    private static final String LIVE = TestServer.LIVE_KEY;
    private static final String TOKENS_METER = "{\"name\":\"Recorded %s\",\"rate_type\":\"fixed\","
            + "\"tier_type\":\"tokens_1m\",\"tiers\":[{\"start\":\"0\",\"rate\":\"2\"}]}";
    private static final AtomicInteger PHONES = new AtomicInteger(400);

    private static TestServer server;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) {
        server = TestServer.start(database);
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
    void recordedUsageIsBilled() {
        Subscriber customer = newSubscriber("billed");
        String requestId = newRequestId();

        ApiResponse created = server.post(SANDBOX, "/v1/requests", usageBody(requestId, customer,
                300, 400, "{\"feature\":\"batch\"}"));

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.at("/request_id")).isEqualTo(requestId);
        assertThat(created.at("/status")).isEqualTo("completed");
        assertThat(created.at("/customer_id")).isEqualTo(customer.customerId());
        assertThat(created.at("/meter_id")).isEqualTo(customer.meterId());
        assertThat(created.json().at("/model_usage/total_tokens").asLong()).isEqualTo(700);
        // 700 tokens at 2 dollars per million tokens.
        assertThat(created.at("/charge/amount")).isEqualTo("0.0014000000");
        assertThat(created.at("/metadata/feature")).isEqualTo("batch");
        assertThat(totalRemaining(customer)).isEqualTo("9.9986000000");
        ApiResponse fetched = server.get(SANDBOX, "/v1/requests/" + requestId);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.at("/charge/amount")).isEqualTo("0.0014000000");
    }

    @Test
    void repeatedBodyReturnsFirstRecord() {
        Subscriber customer = newSubscriber("repeat");
        String requestId = newRequestId();
        String body = usageBody(requestId, customer, 300, 400, "{}");
        ApiResponse first = server.post(SANDBOX, "/v1/requests", body);

        ApiResponse second = server.post(SANDBOX, "/v1/requests", body);

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(second.status()).as(second.text()).isEqualTo(200);
        assertThat(second.json()).isEqualTo(first.json());
        assertThat(totalRemaining(customer)).isEqualTo("9.9986000000");
        assertThat(recordIds("customer_id=" + customer.customerId())).containsExactly(requestId);
    }

    @Test
    void changedBodyGets409() {
        Subscriber customer = newSubscriber("conflict");
        String requestId = newRequestId();
        server.post(SANDBOX, "/v1/requests", usageBody(requestId, customer, 300, 400, "{}"));

        ApiResponse changed = server.post(SANDBOX, "/v1/requests",
                usageBody(requestId, customer, 300, 401, "{}"));

        assertError(changed, 409, "request_id_reused", "request_id");
        assertThat(totalRemaining(customer)).isEqualTo("9.9986000000");
        assertThat(recordIds("customer_id=" + customer.customerId())).containsExactly(requestId);
    }

    @Test
    void requestIdScopedToEnvironment() {
        Subscriber customer = newSubscriber("sandbox scope");
        String liveMeterSlug = server.post(LIVE, "/v1/meters",
                TOKENS_METER.formatted("live " + PHONES.incrementAndGet())).at("/meter_slug");
        String liveCustomerId = server.post(LIVE, "/v1/customers",
                "{\"reference_id\":\"" + Catalogue.uniqueName("live") + "\"}").at("/customer_id");
        String requestId = newRequestId();
        ApiResponse sandbox = server.post(SANDBOX, "/v1/requests",
                usageBody(requestId, customer, 300, 400, "{}"));

        ApiResponse live = server.post(LIVE, "/v1/requests", usageBody(requestId, liveCustomerId,
                liveMeterSlug, 10, 20, "{}"));

        assertThat(sandbox.status()).as(sandbox.text()).isEqualTo(201);
        assertThat(live.status()).as(live.text()).isEqualTo(201);
        assertThat(live.at("/customer_id")).isEqualTo(liveCustomerId);
        assertThat(server.get(LIVE, "/v1/requests/" + requestId).at("/customer_id"))
                .isEqualTo(liveCustomerId);
        assertThat(server.get(SANDBOX, "/v1/requests/" + requestId).at("/customer_id"))
                .isEqualTo(customer.customerId());
    }

    @Test
    void requestIdScopedToMerchant() {
        Subscriber customer = newSubscriber("merchant scope");
        Merchants.NewMerchant second = secondMerchant();
        String otherSlug = server.post(second.sandboxKey(), "/v1/meters",
                TOKENS_METER.formatted("other merchant")).at("/meter_slug");
        String otherCustomerId = server.post(second.sandboxKey(), "/v1/customers",
                "{\"reference_id\":\"other\"}").at("/customer_id");
        String requestId = newRequestId();
        server.post(SANDBOX, "/v1/requests", usageBody(requestId, customer, 300, 400, "{}"));

        ApiResponse other = server.post(second.sandboxKey(), "/v1/requests",
                usageBody(requestId, otherCustomerId, otherSlug, 10, 20, "{}"));

        assertThat(other.status()).as(other.text()).isEqualTo(201);
        assertThat(other.at("/customer_id")).isEqualTo(otherCustomerId);
        assertThat(server.get(SANDBOX, "/v1/requests/" + requestId).at("/customer_id"))
                .isEqualTo(customer.customerId());
    }

    @Test
    void otherMerchantOrEnvironmentGets404() {
        Subscriber customer = newSubscriber("hidden");
        String requestId = newRequestId();
        server.post(SANDBOX, "/v1/requests", usageBody(requestId, customer, 3, 4, "{}"));
        Merchants.NewMerchant second = secondMerchant();

        assertError(server.get(LIVE, "/v1/requests/" + requestId), 404, "resource_missing", null);
        assertError(server.get(second.sandboxKey(), "/v1/requests/" + requestId), 404,
                "resource_missing", null);
        assertError(server.get(second.liveKey(), "/v1/requests/" + requestId), 404,
                "resource_missing", null);
        assertThat(recordIds(LIVE, "customer_id=" + customer.customerId())).isEmpty();
        assertThat(recordIds(second.sandboxKey(), "")).doesNotContain(requestId);
    }

    @Test
    void listFiltersByCustomerAndMeter() {
        Subscriber first = newSubscriber("filter one");
        Subscriber second = newSubscriber("filter two");
        String firstId = newRequestId();
        String secondId = newRequestId();
        server.post(SANDBOX, "/v1/requests", usageBody(firstId, first, 1, 1, "{}"));
        server.post(SANDBOX, "/v1/requests", usageBody(secondId, second, 1, 1, "{}"));

        assertThat(recordIds("customer_id=" + first.customerId())).containsExactly(firstId);
        assertThat(recordIds("customer_id=" + second.customerId())).containsExactly(secondId);
        assertThat(recordIds("meter_id=" + first.meterId())).containsExactly(firstId);
        assertThat(recordIds("meter_id=" + second.meterId())).containsExactly(secondId);
        assertThat(recordIds("customer_id=" + first.customerId() + "&meter_id="
                + second.meterId())).isEmpty();
    }

    @Test
    void listPagesNewestFirst() {
        Subscriber customer = newSubscriber("pages");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // Random ids, so the order cannot come from sorting the ids themselves.
            String requestId = newRequestId();
            ApiResponse response = server.post(SANDBOX, "/v1/requests",
                    usageBody(requestId, customer, 1, 1, "{}"));
            assertThat(response.status()).as(response.text()).isEqualTo(201);
            created.addFirst(requestId);
        }

        List<String> seen = new ArrayList<>();
        List<Boolean> hasMore = new ArrayList<>();
        String cursor = null;
        do {
            ApiResponse page = server.get(SANDBOX, "/v1/requests?limit=2&customer_id="
                    + customer.customerId() + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            seen.addAll(Catalogue.ids(page.json().get("data"), "request_id"));
            hasMore.add(page.json().get("has_more").asBoolean());
            cursor = page.at("/next_cursor");
        } while (cursor != null);

        assertThat(seen).isEqualTo(created);
        assertThat(hasMore).containsExactly(true, true, false);
    }

    private static Subscriber newSubscriber(String name) {
        return GatewayServer.subscribe(server, TOKENS_METER.formatted(name + " "
                + PHONES.incrementAndGet()), "10.00", "10.00", "+1202555"
                + String.format("%04d", PHONES.incrementAndGet()));
    }

    private static String newRequestId() {
        return "ext-" + UUID.randomUUID();
    }

    private static String usageBody(String requestId, Subscriber customer, long input,
            long output, String metadata) {
        return usageBody(requestId, customer.customerId(), customer.meterSlug(), input, output,
                metadata);
    }

    private static String usageBody(String requestId, String customerId, String meterSlug,
            long input, long output, String metadata) {
        return "{\"request_id\":\"" + requestId + "\",\"customer_id\":\"" + customerId
                + "\",\"meter_slug\":\"" + meterSlug + "\",\"input_tokens\":" + input
                + ",\"output_tokens\":" + output + ",\"metadata\":" + metadata + "}";
    }

    private static List<String> recordIds(String query) {
        return recordIds(SANDBOX, query);
    }

    private static List<String> recordIds(String key, String query) {
        return new Catalogue(server).allIds(key, "/v1/requests?" + query, "request_id");
    }

    private static String totalRemaining(Subscriber customer) {
        return server.get(SANDBOX, "/v1/customers/" + customer.customerId() + "/subscription")
                .at("/subscription/credits/total_remaining");
    }

    private static Merchants.NewMerchant secondMerchant() {
        Clock clock = Clock.systemUTC();
        Jdbi jdbi = server.server().database().jdbi();
        Ids ids = new Ids(clock);
        return new Merchants(jdbi, ids, clock, new SecretKeys(jdbi, ids, clock))
                .create(Catalogue.uniqueName("Merchant"));
    }
}
