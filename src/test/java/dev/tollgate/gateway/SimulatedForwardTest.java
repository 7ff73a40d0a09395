package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.Forwarding;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.GatewayServer.Subscriber;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sandbox simulator reached through the forward endpoint of a server with no upstream
 * overrides and no provider keys: replies are marked, recorded as simulated and charged from the
 * usage they report, while live keys are never simulated.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class SimulatedForwardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SANDBOX = TestServer.SANDBOX_KEY;
    private static final String LIVE = TestServer.LIVE_KEY;
    private static final String TOKENS_METER = "{\"name\":\"Simulated %s\",\"rate_type\":\"fixed\","
            + "\"tier_type\":\"tokens_1m\",\"tiers\":[{\"start\":\"0\",\"rate\":\"2\"}]}";
    private static final BigDecimal RATE_PER_MILLION = new BigDecimal("2");
    private static final AtomicInteger PHONES = new AtomicInteger(200);

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
    void openAiChatSimulatedAndCharged() throws IOException {
        Subscriber customer = newSubscriber("chat");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());

        HttpResponse<String> response = Forwarding.post(server, token,
                "https://api.openai.com/v1/chat/completions", "{\"model\":\"gpt-4o-mini\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tollgate-simulated")).hasValue("true");
        JsonNode body = JSON.readTree(response.body());
        long reportedTokens = body.at("/usage/total_tokens").asLong();
        assertThat(reportedTokens).isPositive();
        JsonNode record = record(response);
        assertThat(record.at("/simulated").asBoolean()).isTrue();
        assertThat(record.at("/estimated").asBoolean()).isFalse();
        assertThat(record.at("/model_usage/total_tokens").asLong()).isEqualTo(reportedTokens);
        assertThat(record.at("/charge/amount").asText()).isEqualTo(chargeFor(reportedTokens));
        assertThat(totalRemaining(customer)).isEqualTo(remainingAfter(reportedTokens));
    }

    @Test
    void openAiChatStreamSimulatedAndCharged() {
        Subscriber customer = newSubscriber("stream");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());

        HttpResponse<String> response = Forwarding.post(server, token,
                "https://api.openai.com/v1/chat/completions", "{\"model\":\"gpt-4o-mini\","
                        + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Count\"}]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tollgate-simulated")).hasValue("true");
        assertThat(response.body()).contains("chat.completion.chunk");
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
        // The client did not ask for usage, so the chunk the gateway requested is dropped.
        assertThat(response.body()).doesNotContain("\"prompt_tokens\"");
        JsonNode record = record(response);
        long tokens = record.at("/model_usage/total_tokens").asLong();
        assertThat(tokens).isPositive();
        assertThat(record.at("/simulated").asBoolean()).isTrue();
        assertThat(record.at("/estimated").asBoolean()).isFalse();
        assertThat(record.at("/charge/amount").asText()).isEqualTo(chargeFor(tokens));
        assertThat(totalRemaining(customer)).isEqualTo(remainingAfter(tokens));
    }

    @Test
    void embeddingsSimulatedAndCharged() throws IOException {
        Subscriber customer = newSubscriber("embeddings");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());

        HttpResponse<String> response = Forwarding.post(server, token,
                "https://api.openai.com/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":[\"first text\",\"second text\"]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tollgate-simulated")).hasValue("true");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/data").size()).isEqualTo(2);
        long reportedTokens = body.at("/usage/total_tokens").asLong();
        assertThat(reportedTokens).isPositive();
        JsonNode record = record(response);
        assertThat(record.at("/simulated").asBoolean()).isTrue();
        assertThat(record.at("/model_usage/input_tokens").asLong()).isEqualTo(reportedTokens);
        assertThat(record.at("/model_usage/output_tokens").asLong()).isZero();
        assertThat(record.at("/charge/amount").asText()).isEqualTo(chargeFor(reportedTokens));
        assertThat(totalRemaining(customer)).isEqualTo(remainingAfter(reportedTokens));
    }

    @Test
    void anthropicMessagesSimulatedAndCharged() throws IOException {
        Subscriber customer = newSubscriber("messages");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());

        HttpResponse<String> response = Forwarding.post(server, token,
                "https://api.anthropic.com/v1/messages", "{\"model\":\"claude-sonnet-4-5\","
                        + "\"max_tokens\":200,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tollgate-simulated")).hasValue("true");
        JsonNode body = JSON.readTree(response.body());
        long reportedTokens = body.at("/usage/input_tokens").asLong()
                + body.at("/usage/output_tokens").asLong();
        assertThat(body.at("/type").asText()).isEqualTo("message");
        JsonNode record = record(response);
        assertThat(record.at("/simulated").asBoolean()).isTrue();
        assertThat(record.at("/provider").asText()).isEqualTo("anthropic");
        assertThat(record.at("/model_usage/total_tokens").asLong()).isEqualTo(reportedTokens);
        assertThat(record.at("/charge/amount").asText()).isEqualTo(chargeFor(reportedTokens));
        assertThat(totalRemaining(customer)).isEqualTo(remainingAfter(reportedTokens));
    }

    @Test
    void liveSecretKeyNeverSimulated() {
        HttpResponse<String> response = Forwarding.post(server, LIVE,
                "https://api.openai.com/v1/chat/completions", "{\"model\":\"gpt-4o-mini\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("x-tollgate-simulated")).isEmpty();
        assertThat(response.body()).contains("\"provider_not_configured\"");
        assertThat(response.body()).contains("OPENAI_API_KEY");
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        assertThat(server.get(LIVE, "/v1/requests/" + requestId).status()).isEqualTo(404);
    }

    @Test
    void liveCustomerNeverSimulatedOrCharged() {
        String meterSlug = server.post(LIVE, "/v1/meters", TOKENS_METER.formatted("live"))
                .at("/meter_slug");
        String customerId = server.post(LIVE, "/v1/customers", "{\"reference_id\":\"live-sim\"}")
                .at("/customer_id");
        String token = Forwarding.token("{\"secret_key\":\"" + LIVE + "\",\"customer_id\":\""
                + customerId + "\",\"meter_slug\":\"" + meterSlug + "\"}");

        HttpResponse<String> response = Forwarding.post(server, token,
                "https://api.anthropic.com/v1/messages", "{\"model\":\"claude-sonnet-4-5\","
                        + "\"max_tokens\":200,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("\"provider_not_configured\"");
        ApiResponse records = server.get(LIVE, "/v1/requests?customer_id=" + customerId);
        assertThat(records.json().get("data").size()).isZero();
        ApiResponse subscription = server.get(LIVE, "/v1/customers/" + customerId
                + "/subscription");
        assertThat(subscription.at("/subscription/credits/total_remaining"))
                .isEqualTo("0.0000000000");
    }

    private static Subscriber newSubscriber(String name) {
        return GatewayServer.subscribe(server, TOKENS_METER.formatted(name), "10.00", "10.00",
                "+1202555" + String.format("%04d", PHONES.incrementAndGet()));
    }

    private static JsonNode record(HttpResponse<String> response) {
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        ApiResponse record = server.get(SANDBOX, "/v1/requests/" + requestId);
        assertThat(record.status()).as(record.text()).isEqualTo(200);
        return record.json();
    }

    private static String totalRemaining(Subscriber customer) {
        return server.get(SANDBOX, "/v1/customers/" + customer.customerId() + "/subscription")
                .at("/subscription/credits/total_remaining");
    }

    /** Returns the charge of {@code tokens} at 2 dollars per million, as the API renders it. */
    private static String chargeFor(long tokens) {
        return charge(tokens).toPlainString();
    }

    private static String remainingAfter(long tokens) {
        return new BigDecimal("10").setScale(10).subtract(charge(tokens)).toPlainString();
    }

    private static BigDecimal charge(long tokens) {
        return RATE_PER_MILLION.multiply(BigDecimal.valueOf(tokens))
                .divide(BigDecimal.valueOf(1_000_000)).setScale(10);
    }
}
