package dev.tollgate.api;

import static dev.tollgate.testing.ApiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.GatewayServer.Subscriber;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestServer;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code GET /v1/usage}: daily items in the time zone of {@code start}'s offset, empty days
 * included, totals that add up, and the checks on the window. Each test sets the server's clock
 * to its own dates and queries only its own customer.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class UsageApiTest {
    private static final String SANDBOX = TestServer.SANDBOX_KEY;
    private static final String TOKENS_METER = "{\"name\":\"Usage %s\",\"rate_type\":\"fixed\","
            + "\"tier_type\":\"tokens_1m\",\"tiers\":[{\"start\":\"0\",\"rate\":\"2\"}]}";
    private static final AtomicInteger PHONES = new AtomicInteger(500);

    private static MutableClock clock;
    private static TestServer server;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) {
        clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
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
    void daysFollowStartOffset() {
        Subscriber customer = subscriberAt("2026-03-01T12:00:00Z");
        // In -05:00 these are 22:00 on March 9, then 01:00 and 18:00 on March 10.
        recordAt("2026-03-10T03:00:00Z", customer, 100, 50);
        recordAt("2026-03-10T06:00:00Z", customer, 200, 100);
        recordAt("2026-03-10T23:00:00Z", customer, 300, 150);

        JsonNode items = usage("start=2026-03-08T00:00:00-05:00&end=2026-03-12T00:00:00-05:00"
                + "&customer_id=" + customer.customerId()).get("items");

        assertThat(dates(items)).containsExactly("2026-03-08", "2026-03-09", "2026-03-10",
                "2026-03-11");
        assertThat(counts(items)).containsExactly(0L, 1L, 2L, 0L);
        assertThat(items.get(1).get("total_usage_tokens").asLong()).isEqualTo(150);
        assertThat(items.get(2).get("total_usage_tokens").asLong()).isEqualTo(750);
        assertThat(instant(items.get(0), "start"))
                .isEqualTo(Instant.parse("2026-03-08T05:00:00Z"));
        assertThat(instant(items.get(0), "end")).isEqualTo(Instant.parse("2026-03-09T05:00:00Z"));
        assertThat(OffsetDateTime.parse(items.get(0).get("start").asText()).getOffset().getId())
                .isEqualTo("-05:00");
        assertThat(instant(items.get(3), "end")).isEqualTo(Instant.parse("2026-03-12T05:00:00Z"));
    }

    @Test
    void utcStartGroupsByUtcDays() {
        Subscriber customer = subscriberAt("2026-04-01T12:00:00Z");
        recordAt("2026-04-10T03:00:00Z", customer, 100, 50);
        recordAt("2026-04-10T06:00:00Z", customer, 200, 100);
        recordAt("2026-04-10T23:00:00Z", customer, 300, 150);

        JsonNode items = usage("start=2026-04-09T00:00:00Z&end=2026-04-11T00:00:00Z&customer_id="
                + customer.customerId()).get("items");

        assertThat(dates(items)).containsExactly("2026-04-09", "2026-04-10");
        assertThat(counts(items)).containsExactly(0L, 3L);
    }

    @Test
    void positiveOffsetGroupsLocally() {
        Subscriber customer = subscriberAt("2026-05-01T12:00:00Z");
        // In +05:30 this is 02:00 on May 11.
        recordAt("2026-05-10T20:30:00Z", customer, 10, 10);

        JsonNode items = usage("start=2026-05-10T00:00:00%2B05:30&end=2026-05-12T00:00:00%2B05:30"
                + "&customer_id=" + customer.customerId()).get("items");

        assertThat(dates(items)).containsExactly("2026-05-10", "2026-05-11");
        assertThat(counts(items)).containsExactly(0L, 1L);
    }

    @Test
    void totalsEqualSumOfItems() {
        Subscriber customer = subscriberAt("2026-06-01T12:00:00Z");
        recordAt("2026-06-02T10:00:00Z", customer, 1234, 567);
        recordAt("2026-06-03T10:00:00Z", customer, 89, 10);
        recordAt("2026-06-03T11:00:00Z", customer, 7, 3);
        recordAt("2026-06-05T10:00:00Z", customer, 333_333, 1);

        JsonNode body = usage("start=2026-06-01T00:00:00-05:00&end=2026-06-07T00:00:00-05:00"
                + "&customer_id=" + customer.customerId());

        JsonNode items = body.get("items");
        long requests = 0;
        long tokens = 0;
        BigDecimal cost = BigDecimal.ZERO;
        BigDecimal charge = BigDecimal.ZERO;
        for (JsonNode item : items) {
            requests += item.get("total_requests").asLong();
            tokens += item.get("total_usage_tokens").asLong();
            cost = cost.add(new BigDecimal(item.get("total_cost").asText()));
            charge = charge.add(new BigDecimal(item.get("total_charge").asText()));
        }
        JsonNode totals = body.get("totals");
        assertThat(items.size()).isEqualTo(6);
        assertThat(totals.get("total_requests").asLong()).isEqualTo(requests);
        assertThat(requests).isEqualTo(4);
        assertThat(totals.get("total_usage_tokens").asLong()).isEqualTo(tokens);
        assertThat(tokens).isEqualTo(335_244);
        assertThat(new BigDecimal(totals.get("total_cost").asText())).isEqualByComparingTo(cost);
        assertThat(new BigDecimal(totals.get("total_charge").asText()))
                .isEqualByComparingTo(charge);
        // 335,244 tokens at 2 dollars per million tokens.
        assertThat(totals.get("total_charge").asText()).isEqualTo("0.6704880000");
    }

    @Test
    void endDefaultsToNow() {
        Subscriber customer = subscriberAt("2026-07-01T12:00:00Z");
        recordAt("2026-07-03T15:00:00Z", customer, 10, 10);
        clock.set(Instant.parse("2026-07-03T16:30:00Z"));

        JsonNode items = usage("start=2026-07-02T00:00:00-05:00&customer_id="
                + customer.customerId()).get("items");

        assertThat(dates(items)).containsExactly("2026-07-02", "2026-07-03");
        assertThat(counts(items)).containsExactly(0L, 1L);
        assertThat(instant(items.get(1), "end")).isEqualTo(clock.instant());
    }

    @Test
    void invalidStartGets400() {
        assertError(server.get(SANDBOX, "/v1/usage?start=yesterday"), 400, "invalid_value",
                "start");
        assertError(server.get(SANDBOX, "/v1/usage?start=2026-13-01T00:00:00Z"), 400,
                "invalid_value", "start");
        assertError(server.get(SANDBOX, "/v1/usage"), 400, "missing_field", "start");
    }

    @Test
    void endBeforeStartGets400() {
        assertError(server.get(SANDBOX, "/v1/usage?start=2026-03-02T00:00:00Z"
                + "&end=2026-03-01T00:00:00Z"), 400, "invalid_value", "end");
    }

    @Test
    void windowOver366DaysGets400() {
        assertError(server.get(SANDBOX, "/v1/usage?start=2025-01-01T00:00:00-05:00"
                + "&end=2026-06-01T00:00:00-05:00"), 400, "invalid_value", "end");
        assertError(server.get(SANDBOX, "/v1/usage?start=2025-01-01T00:00:00-05:00"
                + "&end=2026-01-02T01:00:00-05:00"), 400, "invalid_value", "end");
    }

    @Test
    void window366DaysAccepted() {
        ApiResponse response = server.get(SANDBOX, "/v1/usage?start=2025-01-01T00:00:00-05:00"
                + "&end=2026-01-02T00:00:00-05:00&customer_id=con_test_none");

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.json().get("items").size()).isEqualTo(366);
        assertThat(response.json().at("/totals/total_requests").asLong()).isZero();
    }

    private static Subscriber subscriberAt(String time) {
        clock.set(Instant.parse(time));
        return GatewayServer.subscribe(server, TOKENS_METER.formatted(PHONES.incrementAndGet()),
                "10.00", "10.00", "+1202555" + String.format("%04d", PHONES.incrementAndGet()));
    }

    private static void recordAt(String time, Subscriber customer, long input, long output) {
        clock.set(Instant.parse(time));
        ApiResponse response = server.post(SANDBOX, "/v1/requests", "{\"request_id\":\""
                + UUID.randomUUID() + "\",\"customer_id\":\"" + customer.customerId()
                + "\",\"meter_slug\":\"" + customer.meterSlug() + "\",\"input_tokens\":" + input
                + ",\"output_tokens\":" + output + "}");
        assertThat(response.status()).as(response.text()).isEqualTo(201);
    }

    private static JsonNode usage(String query) {
        ApiResponse response = server.get(SANDBOX, "/v1/usage?" + query);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    private static List<String> dates(JsonNode items) {
        return items.valueStream().map(item -> item.get("date").asText()).toList();
    }

    private static List<Long> counts(JsonNode items) {
        return items.valueStream().map(item -> item.get("total_requests").asLong()).toList();
    }

    private static Instant instant(JsonNode item, String field) {
        return OffsetDateTime.parse(item.get(field).asText()).toInstant();
    }
}
