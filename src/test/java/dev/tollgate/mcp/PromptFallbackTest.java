package dev.tollgate.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.client.ApiClient;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.FakeProvider;
import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.TestServer;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code prompt} tool's fallbacks against a gateway whose OpenAI host is a fake provider
 * that fails some models, and whose Mistral host is a closed port. The fake provider picks its reply by
 * the model name in the request body.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class PromptFallbackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = TestServer.SANDBOX_KEY;
    /** 2 dollars per million tokens. */
    private static final String METER = "{\"name\":\"Fallback %s\",\"rate_type\":\"fixed\","
            + "\"tier_type\":\"tokens_1m\",\"tiers\":[{\"start\":\"0\",\"rate\":\"2\"}]}";
    /** Reports 300 input and 400 output tokens: 700 tokens cost 0.0014 on the meter. */
    private static final String CHAT_REPLY = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"%s",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hi from %s"},
                         "finish_reason":"stop"}],
             "usage":{"prompt_tokens":300,"completion_tokens":400,"total_tokens":700}}""";
    private static final List<Map<String, Object>> MESSAGES = List.of(
            Map.of("role", "user", "content", "Say hi"));

    private static FakeProvider provider;
    private static TestServer server;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) {
        provider = new FakeProvider();
        String overrides = GatewayServer.FAKE_HOSTS.stream()
                .map(host -> host + "=" + provider.baseUrl())
                .collect(Collectors.joining(","))
                // A later entry replaces an earlier one for the same host.
                + ",api.mistral.ai=http://127.0.0.1:" + closedPort();
        server = TestServer.start(database, Clock.systemUTC(),
                Map.of("TOLLGATE_UPSTREAM_OVERRIDES", overrides));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        provider.close();
    }

    @BeforeEach
    void answerByModel() {
        provider.on("/v1/chat/completions", request -> switch (modelOf(request)) {
            case "gpt-4.1-nano" -> Reply.json(500, "{\"error\":{\"message\":\"overloaded\"}}");
            case "gpt-4.1-mini" -> Reply.json(429, "{\"error\":{\"message\":\"rate limit\"}}");
            case "gpt-5-nano" -> Reply.json(400, "{\"error\":{\"message\":\"bad request\"}}");
            default -> Reply.json(200, CHAT_REPLY.formatted(modelOf(request),
                    modelOf(request)));
        });
    }

    @Test
    void fallsBackInOrderOn5xxAnd429() throws IOException {
        GatewayServer.Subscriber customer = GatewayServer.subscribe(server,
                METER.formatted("order"), "10.00", "10.00", "+12025550131");
        int before = provider.received().size();

        JsonNode result = ok(prompt(client(), Map.of("model", "gpt-4.1-nano",
                "fallbacks", List.of("gpt-4.1-mini", "gpt-5-mini", "gpt-4.1"),
                "messages", MESSAGES, "customer_id", customer.customerId(),
                "meter_slug", customer.meterSlug())));

        assertThat(result.path("model").asText()).isEqualTo("gpt-5-mini");
        assertThat(result.path("content").asText()).isEqualTo("Hi from gpt-5-mini");
        JsonNode attempts = result.path("attempts");
        assertThat(field(attempts, "model")).containsExactly("gpt-4.1-nano", "gpt-4.1-mini",
                "gpt-5-mini");
        assertThat(field(attempts, "status")).containsExactly("500", "429", "200");
        assertThat(modelsReceivedSince(before)).containsExactly("gpt-4.1-nano",
                "gpt-4.1-mini", "gpt-5-mini");
        assertThat(result.path("request_id").asText())
                .isEqualTo(attempts.get(2).path("request_id").asText());
    }

    @Test
    void chargesOnlySuccessfulAttempt() throws IOException {
        GatewayServer.Subscriber customer = GatewayServer.subscribe(server,
                METER.formatted("charge"), "10.00", "10.00", "+12025550132");

        JsonNode result = ok(prompt(client(), Map.of("model", "gpt-4.1-nano",
                "fallbacks", List.of("gpt-4.1-mini", "gpt-5-mini"), "messages", MESSAGES,
                "customer_id", customer.customerId(), "meter_slug", customer.meterSlug())));

        JsonNode attempts = result.path("attempts");
        JsonNode failed500 = record(attempts.get(0).path("request_id").asText());
        JsonNode failed429 = record(attempts.get(1).path("request_id").asText());
        JsonNode succeeded = record(attempts.get(2).path("request_id").asText());
        assertThat(failed500.path("status").asText()).isEqualTo("error");
        assertThat(failed500.at("/charge/amount").asText()).isEqualTo("0.0000000000");
        assertThat(failed429.path("status").asText()).isEqualTo("error");
        assertThat(failed429.at("/charge/amount").asText()).isEqualTo("0.0000000000");
        assertThat(succeeded.path("status").asText()).isEqualTo("completed");
        // 700 tokens at 2 dollars per million tokens: 700 * 2 / 1,000,000 = 0.0014.
        assertThat(succeeded.at("/charge/amount").asText()).isEqualTo("0.0014000000");
        assertThat(remainingCredit(customer)).isEqualTo("9.9986000000");
        assertThat(server.ledgerMismatch()).isEmpty();
    }

    @Test
    void clientErrorDoesNotFallBack() {
        GatewayServer.Subscriber customer = GatewayServer.subscribe(server,
                METER.formatted("client error"), "10.00", "10.00", "+12025550133");
        int before = provider.received().size();

        CallToolResult result = prompt(client(), Map.of("model", "gpt-5-nano",
                "fallbacks", List.of("gpt-5-mini"), "messages", MESSAGES,
                "customer_id", customer.customerId(), "meter_slug", customer.meterSlug()));

        assertThat(result.isError()).withFailMessage("expected a tool error, got %s",
                text(result)).isTrue();
        assertThat(text(result)).contains("Model gpt-5-nano returned HTTP 400");
        assertThat(modelsReceivedSince(before)).containsExactly("gpt-5-nano");
        assertThat(remainingCredit(customer)).isEqualTo("10.0000000000");
    }

    @Test
    void unreachableProviderFallsBack() throws IOException {
        JsonNode result = ok(prompt(client(), Map.of("model", "mistral-small",
                "fallbacks", List.of("gpt-5-mini"), "messages", MESSAGES)));

        JsonNode attempts = result.path("attempts");
        assertThat(field(attempts, "model")).containsExactly("mistral-small", "gpt-5-mini");
        assertThat(attempts.get(0).path("status").asInt()).isEqualTo(502);
        assertThat(result.path("model").asText()).isEqualTo("gpt-5-mini");
    }

    @Test
    void everyModelFailingChargesNothing() {
        GatewayServer.Subscriber customer = GatewayServer.subscribe(server,
                METER.formatted("all fail"), "10.00", "10.00", "+12025550134");
        int before = provider.received().size();

        CallToolResult result = prompt(client(), Map.of("model", "gpt-4.1-nano",
                "fallbacks", List.of("gpt-4.1-mini"), "messages", MESSAGES,
                "customer_id", customer.customerId(), "meter_slug", customer.meterSlug()));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).startsWith("Every model failed");
        assertThat(modelsReceivedSince(before)).containsExactly("gpt-4.1-nano",
                "gpt-4.1-mini");
        assertThat(remainingCredit(customer)).isEqualTo("10.0000000000");
        assertThat(server.ledgerMismatch()).isEmpty();
    }

    @Test
    void unreachableServerTriesEveryModel() {
        ApiClient unreachable = new ApiClient("http://127.0.0.1:" + closedPort(), KEY);

        CallToolResult result = prompt(unreachable, Map.of("model", "gpt-4.1",
                "fallbacks", List.of("gpt-5-mini"), "messages", MESSAGES,
                "provider_url", "https://api.openai.com/v1"));

        assertThat(result.isError()).isTrue();
        String message = text(result);
        assertThat(message).startsWith("Every model failed");
        assertThat(message.indexOf("\"model\":\"gpt-4.1\""))
                .isLessThan(message.indexOf("\"model\":\"gpt-5-mini\""));
        assertThat(message).contains("\"status\":0");
    }

    private static ApiClient client() {
        return new ApiClient("http://127.0.0.1:" + server.port(), KEY);
    }

    private static CallToolResult prompt(ApiClient client, Map<String, Object> arguments) {
        ToolSpec prompt = new GatewayTools(() -> client).all().stream()
                .filter(spec -> spec.name().equals("prompt"))
                .findFirst()
                .orElseThrow();
        return ToolCalls.run(prompt, arguments);
    }

    private static JsonNode ok(CallToolResult result) throws IOException {
        assertThat(result.isError()).withFailMessage("tool error: %s", text(result)).isFalse();
        return JSON.readTree(text(result));
    }

    private static String text(CallToolResult result) {
        return ((TextContent) result.content().get(0)).text();
    }

    private static List<String> field(JsonNode array, String name) {
        List<String> values = new ArrayList<>();
        array.forEach(element -> values.add(element.path(name).asText()));
        return values;
    }

    private static List<String> modelsReceivedSince(int index) {
        List<FakeProvider.Received> received = provider.received();
        return received.subList(index, received.size()).stream()
                .map(PromptFallbackTest::modelOf)
                .toList();
    }

    private static String modelOf(FakeProvider.Received request) {
        try {
            return JSON.readTree(request.body()).path("model").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode record(String requestId) {
        return server.get(KEY, "/v1/requests/" + requestId).json();
    }

    private static String remainingCredit(GatewayServer.Subscriber customer) {
        return server.get(KEY, "/v1/customers/" + customer.customerId() + "/subscription")
                .json().at("/subscription/credits/total_remaining").asText();
    }

    /** Returns a port that nothing listens on, so connections to it are refused. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
