package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sandbox simulator's audio endpoints reached through the forward endpoint of a server
 * without provider keys or upstream overrides, so each audio unit can be tried offline.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class SimulatedAudioForwardTest {
    private static final String KEY = TestServer.SANDBOX_KEY;

    private static TestServer server;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) {
        server = TestServer.start(database);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    /**
     * Creates a meter, a plan with 10.00 of credit that links it, and a customer subscribed
     * through the sandbox checkout, and returns the customer's forward token.
     */
    private static String token(String name, String tierType, String tiers, String phone) {
        JsonNode meter = server.post(KEY, "/v1/meters", "{\"name\":\"" + name + "\","
                + "\"rate_type\":\"fixed\",\"tier_type\":\"" + tierType + "\",\"tiers\":" + tiers
                + "}").json();
        JsonNode plan = server.post(KEY, "/v1/plans", "{\"name\":\"Plan " + name + "\","
                + "\"period_amount\":\"10.00\",\"included_credit\":\"10.00\","
                + "\"billing_interval\":\"month\",\"meter_ids\":[\""
                + meter.path("meter_id").asText() + "\"]}").json();
        JsonNode session = server.post(KEY, "/v1/checkout_sessions", "{\"checkout_mode\":"
                + "\"subscription\",\"origin_url\":\"https://shop.example\",\"plan_id\":\""
                + plan.path("plan_id").asText() + "\"}").json();
        JsonNode customer = server.post(KEY, "/v1/test_helpers/checkout_sessions/"
                + session.path("checkout_session_id").asText() + "/complete", "{\"phone\":\""
                + phone + "\",\"card_number\":\"4242424242424242\"}").json();
        String json = "{\"secret_key\":\"" + KEY + "\",\"customer_id\":\""
                + customer.path("customer_id").asText() + "\",\"meter_slug\":\""
                + meter.path("meter_slug").asText() + "\"}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode record(HttpResponse<?> response) {
        return server.get(KEY, "/v1/requests/"
                + response.headers().firstValue("x-request-id").orElseThrow()).json();
    }

    @Test
    void simulatedTranscriptionBilledPerMinute() {
        String token = token("Simulated minutes", "minutes", "[{\"start\":\"0\",\"rate\":\"0.5\"}]",
                "+12025556001");
        // 480,000 bytes at the simulator's 16,000 bytes a second are 30 s.
        UpstreamCall call = UpstreamCall.upload("https://api.openai.com/v1/audio/transcriptions",
                UpstreamCall.audio(480_000), "model", "whisper-1");

        HttpResponse<byte[]> response = call.send(server, token);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tollgate-simulated")).hasValue("true");
        JsonNode record = record(response);
        assertThat(record.path("simulated").asBoolean()).isTrue();
        assertThat(record.at("/model_usage/input_seconds").asLong()).isEqualTo(30);
        // 30 s at 0.5 per minute: 0.25. whisper-1 costs 30 x 0.006 / 60 = 0.003.
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.2500000000");
        assertThat(record.path("cost").asText()).isEqualTo("0.0030000000");
    }

    @Test
    void simulatedSpeechBilledPerCharacter() {
        String token = token("Simulated characters", "characters_1m",
                "[{\"start\":\"0\",\"rate\":\"1000\"}]", "+12025556002");
        UpstreamCall call = UpstreamCall.json("https://api.openai.com/v1/audio/speech",
                "{\"model\":\"tts-1\",\"voice\":\"alloy\",\"input\":\"Twenty characters ok\"}");

        HttpResponse<byte[]> response = call.send(server, token);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("audio/wav");
        // 20 characters x 80 samples after the 44-byte WAV header.
        assertThat(response.body()).hasSize(44 + 1_600);
        JsonNode record = record(response);
        assertThat(record.at("/model_usage/input_characters").asLong()).isEqualTo(20);
        // 20 characters at 1,000 per million: 0.02. tts-1 costs 20 x 15 / 1,000,000.
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.0200000000");
        assertThat(record.path("cost").asText()).isEqualTo("0.0003000000");
    }
}
