package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.billing.ledger.Bucket;
import dev.tollgate.billing.ledger.EntryKind;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.billing.ledger.LedgerCheck;
import dev.tollgate.core.Environment;
import dev.tollgate.core.Ids;
import dev.tollgate.money.Money;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.GatewayOnBothDatabases;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.TestServer;
import java.math.BigInteger;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code POST /v1/requests}: usage recorded elsewhere, in tokens, characters and seconds. */
class RecordedUsageApiTest extends GatewayOnBothDatabases {
    private static final String KEY = TestServer.SANDBOX_KEY;
    private static final AtomicInteger COUNT = new AtomicInteger();

    /** Creates a customer on a new meter and returns it. */
    private static GatewayServer.Subscriber subscriber(String tierType, String tiers) {
        int number = COUNT.incrementAndGet();
        return gateway.subscriber("{\"name\":\"Recorded " + number + "\",\"rate_type\":\"fixed\","
                + "\"tier_type\":\"" + tierType + "\",\"tiers\":" + tiers + "}", "10.00", "10.00",
                "+1202555" + (4000 + number));
    }

    private static ApiResponse record(GatewayServer.Subscriber subscriber, String requestId,
            String counts) {
        return gateway.api().post(KEY, "/v1/requests", "{\"request_id\":\"" + requestId
                + "\",\"customer_id\":\"" + subscriber.customerId() + "\",\"meter_slug\":\""
                + subscriber.meterSlug() + "\"" + counts + "}");
    }

    @Test
    void secondsBilledOnMinutesMeter() {
        GatewayServer.Subscriber subscriber = subscriber("minutes",
                "[{\"start\":\"0\",\"rate\":\"0.5\"}]");

        ApiResponse response = record(subscriber, "call-seconds",
                ",\"input_seconds\":60,\"output_seconds\":30");

        assertThat(response.status()).as(response.text()).isEqualTo(201);
        JsonNode usage = response.json().path("model_usage");
        assertThat(usage.path("input_seconds").asLong()).isEqualTo(60);
        assertThat(usage.path("output_seconds").asLong()).isEqualTo(30);
        assertThat(usage.path("total_seconds").asLong()).isEqualTo(90);
        // 90 s at 0.5 per minute: 90 x 0.5 / 60 = 0.75.
        assertThat(response.at("/charge/amount")).isEqualTo("0.7500000000");
        assertThat(response.json().at("/charge/breakdown/0/seconds").asLong()).isEqualTo(90);
    }

    @Test
    void charactersBilledAcrossTier() {
        GatewayServer.Subscriber subscriber = subscriber("characters_1m",
                "[{\"start\":\"0\",\"rate\":\"0\"},{\"start\":\"250\",\"rate\":\"1000\"}]");

        ApiResponse response = record(subscriber, "call-characters",
                ",\"input_characters\":200,\"output_characters\":51");

        assertThat(response.status()).as(response.text()).isEqualTo(201);
        JsonNode usage = response.json().path("model_usage");
        assertThat(usage.path("input_characters").asLong()).isEqualTo(200);
        assertThat(usage.path("output_characters").asLong()).isEqualTo(51);
        assertThat(usage.path("total_characters").asLong()).isEqualTo(251);
        // 250 characters free, the 251st at 1,000 per million: 0.001.
        assertThat(response.at("/charge/amount")).isEqualTo("0.0010000000");
        JsonNode stored = gateway.api().get(KEY, "/v1/requests/call-characters").json();
        assertThat(stored.at("/model_usage/total_characters").asLong()).isEqualTo(251);
        assertThat(stored.at("/charge/breakdown/1/characters").asLong()).isEqualTo(1);
    }

    @Test
    void tokensMeterIgnoresOtherUnits() {
        GatewayServer.Subscriber subscriber = subscriber("tokens_1m",
                "[{\"start\":\"0\",\"rate\":\"2\"}]");

        ApiResponse response = record(subscriber, "call-tokens", ",\"input_tokens\":300,"
                + "\"output_tokens\":400,\"input_characters\":5000,\"input_seconds\":600");

        // 700 tokens at 2 per million: 0.0014; the characters and seconds are only recorded.
        assertThat(response.at("/charge/amount")).isEqualTo("0.0014000000");
        assertThat(response.json().at("/model_usage/input_seconds").asLong()).isEqualTo(600);
    }

    @Test
    void repeatedSecondsIdempotentOrConflict() {
        GatewayServer.Subscriber subscriber = subscriber("minutes",
                "[{\"start\":\"0\",\"rate\":\"0.5\"}]");
        record(subscriber, "call-repeat", ",\"input_seconds\":60");

        ApiResponse same = record(subscriber, "call-repeat", ",\"input_seconds\":60");
        ApiResponse changed = record(subscriber, "call-repeat", ",\"input_seconds\":61");

        assertThat(same.status()).isEqualTo(200);
        assertThat(same.at("/charge/amount")).isEqualTo("0.5000000000");
        assertThat(changed.status()).isEqualTo(409);
    }

    @Test
    void chargeAboveMaximumRejected() {
        // 900 million tokens at a million dollars per million tokens: 900 million dollars.
        GatewayServer.Subscriber subscriber = subscriber("tokens_1m",
                "[{\"start\":\"0\",\"rate\":\"1000000\"}]");

        ApiResponse first = record(subscriber, "call-huge-1", ",\"input_tokens\":900000000");
        ApiResponse second = record(subscriber, "call-huge-2", ",\"input_tokens\":900000000");

        assertThat(first.status()).as(first.text()).isEqualTo(400);
        assertThat(first.at("/error/param")).isEqualTo("input_tokens");
        assertThat(first.at("/error/message")).contains("1000000.00");
        assertThat(second.status()).as(second.text()).isEqualTo(400);
        assertNothingRecorded(subscriber);
    }

    @Test
    void chargePastBalanceLimitRejected() {
        GatewayServer.Subscriber subscriber = subscriber("tokens_1m",
                "[{\"start\":\"0\",\"rate\":\"1000000\"}]");
        // A correction entry takes the balance to 500,000 dollars above the lowest allowed.
        Money correction = Money.ZERO.minus(Ledger.MAX_BALANCE)
                .plus(new Money(5_000_000_000_000_000L)).minus(new Money(100_000_000_000L));
        appendCorrection(subscriber.customerId(), correction);
        String before = remaining(subscriber);

        // One million tokens: a charge of one million dollars, the most one request may cost.
        ApiResponse rejected = record(subscriber, "call-limit-1", ",\"input_tokens\":1000000");
        ApiResponse accepted = record(subscriber, "call-limit-2", ",\"input_tokens\":400000");

        assertThat(rejected.status()).as(rejected.text()).isEqualTo(400);
        assertThat(rejected.at("/error/param")).isEqualTo("input_tokens");
        assertThat(rejected.at("/error/message")).contains(subscriber.customerId());
        assertThat(before).isEqualTo("-249500000.0000000000");
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(201);
        assertThat(remaining(subscriber)).isEqualTo("-249900000.0000000000");
        ApiResponse records = gateway.api().get(KEY, "/v1/requests?customer_id="
                + subscriber.customerId());
        assertThat(records.json().get("data").size()).isEqualTo(1);
        assertThat(gateway.api().server().database().jdbi().withHandle(LedgerCheck::mismatches))
                .isEmpty();
    }

    @Test
    void usageTotalsExactPastLongRange() {
        GatewayServer.Subscriber subscriber = subscriber("tokens_1m",
                "[{\"start\":\"0\",\"rate\":\"1\"}]");
        record(subscriber, "call-sum-1", ",\"input_tokens\":1000");
        record(subscriber, "call-sum-2", ",\"input_tokens\":1000");
        // Charges as large as a long holds, as an older version could store: their sum is
        // beyond the 64-bit range that SQL sums use.
        int updated = gateway.api().server().database().jdbi().withHandle(handle -> handle
                .createUpdate("UPDATE requests SET charge = 9000000000000000000,"
                        + " output_tokens = 9000000000000000000 WHERE customer_id = :c")
                .bind("c", subscriber.customerId())
                .execute());
        assertThat(updated).isEqualTo(2);

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        ApiResponse usage = gateway.api().get(KEY, "/v1/usage?start=" + today.minusDays(1)
                + "&end=" + today.plusDays(1) + "&customer_id=" + subscriber.customerId());

        assertThat(usage.status()).as(usage.text()).isEqualTo(200);
        assertThat(usage.at("/totals/total_charge")).isEqualTo("1800000000.0000000000");
        assertThat(usage.json().at("/totals/total_usage_tokens").bigIntegerValue())
                .isEqualTo(new BigInteger("18000000000000002000"));
        assertThat(usage.at("/totals/total_requests")).isEqualTo("2");
    }

    private static void assertNothingRecorded(GatewayServer.Subscriber subscriber) {
        ApiResponse records = gateway.api().get(KEY, "/v1/requests?customer_id="
                + subscriber.customerId());
        assertThat(records.json().get("data").size()).isZero();
        assertThat(remaining(subscriber)).isEqualTo("10.0000000000");
        assertThat(gateway.api().server().database().jdbi().withHandle(LedgerCheck::mismatches))
                .isEmpty();
    }

    private static String remaining(GatewayServer.Subscriber subscriber) {
        return gateway.api().get(KEY, "/v1/customers/" + subscriber.customerId()
                + "/subscription").json().at("/subscription/credits/total_remaining").asText();
    }

    private static void appendCorrection(String customerId, Money amount) {
        Clock clock = Clock.systemUTC();
        Ledger ledger = new Ledger(new Ids(clock), clock);
        gateway.api().server().database().jdbi().useTransaction(handle -> {
            String merchantId = handle.createQuery("SELECT merchant_id FROM customers WHERE id = :c")
                    .bind("c", customerId)
                    .mapTo(String.class)
                    .one();
            ledger.append(handle, new Ledger.Account(merchantId, Environment.SANDBOX, customerId,
                    null), Bucket.CYCLE, EntryKind.CORRECTION, amount, null);
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "input_seconds | -1",
        "output_seconds | 1.5",
        "input_characters | \"twelve\"",
        "output_characters | 1000000000001",
    })
    void invalidCountsRejected(String field, String value) {
        GatewayServer.Subscriber subscriber = subscriber("minutes",
                "[{\"start\":\"0\",\"rate\":\"0.5\"}]");

        ApiResponse response = record(subscriber, "call-invalid-" + COUNT.incrementAndGet(),
                ",\"" + field + "\":" + value);

        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.at("/error/param")).isEqualTo(field);
    }
}
