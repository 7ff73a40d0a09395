package dev.tollgate.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tollgate.testing.FakeProvider.Received;
import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.GatewayOnBothDatabases;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.NodeProject;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code compat/node/gateway.test.mjs}: the official {@code openai} and
 * {@code @anthropic-ai/sdk} clients, at the versions pinned in {@code compat/node/package.json},
 * call the forward endpoint with a customer's forward token, and the script checks each response
 * and the tokens and charge of its record against the values computed here from the payloads
 * that the fake provider replays. {@link NodeProject} lists the tools it needs and when it is
 * skipped.
 */
class GatewaySdkCompatibilityTest extends GatewayOnBothDatabases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path NODE_PROJECT = Path.of("compat", "node");
    private static final String TEST_SCRIPT = "gateway.test.mjs";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    private static final String TOKENS_METER = """
            {"name":"Client tokens","rate_type":"fixed","tier_type":"tokens_1m",
             "tiers":[{"start":"0","rate":"3"}]}""";

    private static final String OPENAI_CHAT = """
            {"id":"chatcmpl-compat1","object":"chat.completion","created":1767225600,
             "model":"gpt-4o-mini-2024-07-18",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!",
                         "refusal":null},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":52,"completion_tokens":9,"total_tokens":61,
                      "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
                      "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0}}}""";
    private static final List<String> OPENAI_CHAT_STREAM = List.of(
            openAiChunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"),
            openAiChunk("{\"content\":\"Hel\"}", "null"),
            openAiChunk("{\"content\":\"lo there\"}", "null"),
            openAiChunk("{}", "\"stop\""),
            "data: {\"id\":\"chatcmpl-compat2\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1767225601,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":3,"
                    + "\"total_tokens\":17}}\n\n",
            "data: [DONE]\n\n");
    private static final String OPENAI_MODEL = """
            {"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"}""";
    private static final String OPENAI_RATE_LIMITED = """
            {"error":{"message":"Rate limit reached for gpt-3.5-turbo-instruct.",
             "type":"requests","param":null,"code":"rate_limit_exceeded"}}""";
    /** Exactly representable in 32-bit floats, so the decoded vector compares equal. */
    private static final float[] EMBEDDING = {0.5f, -0.25f, 0.125f, 1.0f};
    private static final String ANTHROPIC_MESSAGE = """
            {"id":"msg_compat1","type":"message","role":"assistant",
             "model":"claude-sonnet-4-5-20250929",
             "content":[{"type":"text","text":"Bonjour !"}],
             "stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":21,"cache_creation_input_tokens":0,
                      "cache_read_input_tokens":0,"output_tokens":7}}""";
    private static final List<String> ANTHROPIC_STREAM = List.of(
            anthropicEvent("message_start", "{\"type\":\"message_start\",\"message\":{"
                    + "\"id\":\"msg_compat2\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],"
                    + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,"
                    + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
                    + "\"output_tokens\":1}}}"),
            anthropicEvent("content_block_start", "{\"type\":\"content_block_start\","
                    + "\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
            anthropicEvent("ping", "{\"type\":\"ping\"}"),
            anthropicEvent("content_block_delta", "{\"type\":\"content_block_delta\","
                    + "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Bonjour\"}}"),
            anthropicEvent("content_block_delta", "{\"type\":\"content_block_delta\","
                    + "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" le monde\"}}"),
            anthropicEvent("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
            anthropicEvent("message_delta", "{\"type\":\"message_delta\",\"delta\":{"
                    + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                    + "\"usage\":{\"output_tokens\":15}}"),
            anthropicEvent("message_stop", "{\"type\":\"message_stop\"}"));

    private static String openAiChunk(String delta, String finishReason) {
        return "data: {\"id\":\"chatcmpl-compat2\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1767225601,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{"
                + "\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + finishReason + "}]}\n\n";
    }

    private static String anthropicEvent(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    /** Returns the embeddings reply, in the base64 encoding that the OpenAI client requests. */
    private static String embeddingsReply() {
        ByteBuffer bytes = ByteBuffer.allocate(EMBEDDING.length * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float value : EMBEDDING) {
            bytes.putFloat(value);
        }
        String base64 = Base64.getEncoder().encodeToString(bytes.array());
        return "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                + "\"embedding\":\"" + base64 + "\"}],\"model\":\"text-embedding-3-small\","
                + "\"usage\":{\"prompt_tokens\":6,\"total_tokens\":6}}";
    }

    private static Reply streamOrJson(Received request, List<String> events, String json) {
        return isStreaming(request) ? Reply.stream(events) : Reply.json(200, json);
    }

    private static boolean isStreaming(Received request) {
        try {
            return JSON.readTree(request.body()).path("stream").asBoolean(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns the values that the script checks, as JSON, computed by hand from the payloads
     * above. The meter charges $3 per million tokens, input and output alike.
     */
    private static String expectedValues() {
        ObjectNode expected = JSON.createObjectNode();
        // (52 + 9) tokens x $3 / 1,000,000 = 0.000183.
        expected.set("openai_chat", usage("chatcmpl-compat1", "Hello!", 52, 9, "0.0001830000"));
        // (14 + 3) tokens x $3 / 1,000,000 = 0.000051, charged twice: with and without the
        // client requesting usage.
        expected.set("openai_chat_stream",
                usage("chatcmpl-compat2", "Hello there", 14, 3, "0.0000510000"));
        // 6 input tokens x $3 / 1,000,000 = 0.000018.
        ObjectNode embeddings = usage(null, null, 6, 0, "0.0000180000");
        embeddings.putPOJO("embedding", EMBEDDING);
        expected.set("openai_embeddings", embeddings);
        // A model lookup has no usage and no request body to estimate it from.
        ObjectNode model = usage(null, null, 0, 0, "0.0000000000");
        model.set("model", readJson(OPENAI_MODEL));
        expected.set("openai_model", model);
        // A provider error is recorded with no tokens and not charged.
        ObjectNode error = usage(null, null, 0, 0, "0.0000000000");
        error.put("status", "error");
        expected.set("openai_error", error);
        // (21 + 7) tokens x $3 / 1,000,000 = 0.000084.
        expected.set("anthropic_message", usage("msg_compat1", "Bonjour !", 21, 7, "0.0000840000"));
        // message_start reports 25 input tokens, and message_delta's cumulative 15 output tokens
        // replace message_start's 1: (25 + 15) x $3 / 1,000,000 = 0.00012.
        expected.set("anthropic_stream",
                usage("msg_compat2", "Bonjour le monde", 25, 15, "0.0001200000"));
        // 10 - (0.000183 + 2 x 0.000051 + 0.000018 + 0 + 0 + 0.000084 + 0.00012)
        //   = 10 - 0.000507.
        expected.put("total_remaining", "9.9994930000");
        return expected.toString();
    }

    private static JsonNode readJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode usage(String responseId, String text, long inputTokens,
            long outputTokens, String charge) {
        return JSON.createObjectNode()
                .put("response_id", responseId)
                .put("text", text)
                .put("input_tokens", inputTokens)
                .put("output_tokens", outputTokens)
                .put("charge", charge);
    }

    @Test
    void officialClientsBilledThroughGateway() throws IOException {
        gateway.provider().on("/v1/chat/completions",
                request -> streamOrJson(request, OPENAI_CHAT_STREAM, OPENAI_CHAT));
        gateway.provider().on("/v1/embeddings", Reply.json(200, embeddingsReply()));
        gateway.provider().on("/v1/models/gpt-4o-mini", Reply.json(200, OPENAI_MODEL));
        gateway.provider().on("/v1/completions", Reply.json(429, OPENAI_RATE_LIMITED));
        gateway.provider().on("/v1/messages",
                request -> streamOrJson(request, ANTHROPIC_STREAM, ANTHROPIC_MESSAGE));
        GatewayServer.Subscriber customer = gateway.subscriber(TOKENS_METER, "10.00", "10.00",
                "+12025550141");
        NodeProject project = NodeProject.installed(NODE_PROJECT);

        NodeProject.Result result = project.run(
                List.of("node", "--test", "--test-reporter=spec", TEST_SCRIPT),
                Map.of("TOLLGATE_BASE_URL", gateway.api().baseUrl(),
                        "TOLLGATE_SANDBOX_KEY", TestServer.SANDBOX_KEY,
                        "TOLLGATE_CUSTOMER_ID", customer.customerId(),
                        "TOLLGATE_FORWARD_TOKEN",
                        GatewayServer.forwardToken(customer.customerId(), customer.meterSlug()),
                        "TOLLGATE_EXPECTED", expectedValues(),
                        "NO_COLOR", "1"),
                RUN_TIMEOUT);

        assertThat(result.timedOut())
                .withFailMessage("node --test %s did not finish within %s on %s. Output:%n%s",
                        TEST_SCRIPT, RUN_TIMEOUT, database, result.output())
                .isFalse();
        assertThat(result.exitCode())
                .withFailMessage("node --test %s exited with %d on %s. Output:%n%s",
                        TEST_SCRIPT, result.exitCode(), database, result.output())
                .isZero();
        assertUpstreamRequests(gateway.provider().received());
    }

    /**
     * Checks what the provider received: the client's methods and paths without the forward
     * endpoint's query, no caller credential, Anthropic's version header, and usage requested
     * on every chat stream.
     */
    private static void assertUpstreamRequests(List<Received> received) throws IOException {
        assertThat(received).extracting(request -> request.method() + " " + request.path())
                .containsExactly("POST /v1/chat/completions", "POST /v1/chat/completions",
                        "POST /v1/chat/completions", "POST /v1/embeddings",
                        "GET /v1/models/gpt-4o-mini", "POST /v1/completions",
                        "POST /v1/messages", "POST /v1/messages");
        for (Received request : received) {
            assertThat(request.query()).as("query of %s", request.path()).isNull();
            assertThat(request.header("authorization")).as("authorization on %s", request.path())
                    .isNull();
            assertThat(request.header("x-api-key")).as("x-api-key on %s", request.path())
                    .isNull();
        }
        for (Received request : received.subList(6, 8)) {
            assertThat(request.header("anthropic-version")).as("anthropic-version").isNotBlank();
        }
        for (Received request : received.subList(1, 3)) {
            JsonNode body = JSON.readTree(request.body());
            assertThat(body.at("/stream_options/include_usage").asBoolean())
                    .as("include_usage in %s", body)
                    .isTrue();
        }
    }
}
