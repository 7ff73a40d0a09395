package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.TestServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code POST /v1/requests}: usage recorded elsewhere, in tokens, characters and seconds. */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class RecordedUsageApiTest {
    private static final String KEY = TestServer.SANDBOX_KEY;
    private static final AtomicInteger COUNT = new AtomicInteger();

    private static GatewayServer gateway;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) {
        gateway = GatewayServer.start(database);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        gateway.close();
    }

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
