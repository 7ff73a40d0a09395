package dev.tollgate.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.GatewayOnBothDatabases;
import dev.tollgate.testing.NodeProject;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code compat/node/spend-keys.test.mjs}: the official Node SDK manages a spend key, and
 * the official {@code openai} client, pointed at Tollgate's base URL with that key, sends chat
 * completions that the fake provider answers. {@link NodeProject} lists the tools it needs and
 * when it is skipped.
 */
class SpendKeySdkCompatibilityTest extends GatewayOnBothDatabases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path NODE_PROJECT = Path.of("compat", "node");
    private static final String TEST_SCRIPT = "spend-keys.test.mjs";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    private static final String CHAT = """
            {"id":"chatcmpl-sk1","object":"chat.completion","created":1767225600,
             "model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant",
             "content":"Hello from Tollgate","refusal":null},"logprobs":null,
             "finish_reason":"stop"}],
             "usage":{"prompt_tokens":100,"completion_tokens":40,"total_tokens":140}}""";
    private static final List<String> CHAT_STREAM = List.of(
            chunk("{\"role\":\"assistant\",\"content\":\"Hel\"}", "null"),
            chunk("{\"content\":\"lo again\"}", "null"),
            chunk("{}", "\"stop\""),
            "data: {\"id\":\"chatcmpl-sk2\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
                    + "200,\"completion_tokens\":10,\"total_tokens\":210}}\n\n",
            "data: [DONE]\n\n");

    private static String chunk(String delta, String finishReason) {
        return "data: {\"id\":\"chatcmpl-sk2\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                + "\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}\n\n";
    }

    @Test
    void sdkAndOpenAiClientUseSpendKey() {
        gateway.provider().on("/v1/chat/completions", request -> isStreaming(request.body())
                ? Reply.stream(CHAT_STREAM) : Reply.json(200, CHAT));
        NodeProject project = NodeProject.installed(NODE_PROJECT);
        // gpt-4o-mini: $0.15 per million input and $0.60 per million output tokens.
        // (100 + 200) x 0.15 / 1e6 + (40 + 10) x 0.60 / 1e6 = 0.000045 + 0.00003.
        String expected = JSON.createObjectNode()
                .put("text", "Hello from Tollgate")
                .put("stream_text", "Hello again")
                .put("spend", "0.0000750000")
                .toString();

        NodeProject.Result result = project.run(
                List.of("node", "--test", "--test-reporter=spec", TEST_SCRIPT),
                Map.of("TOLLGATE_BASE_URL", gateway.api().baseUrl(),
                        "TOLLGATE_SANDBOX_KEY", TestServer.SANDBOX_KEY,
                        "TOLLGATE_LIVE_KEY", TestServer.LIVE_KEY,
                        "TOLLGATE_EXPECTED", expected,
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
    }

    private static boolean isStreaming(String body) {
        try {
            return JSON.readTree(body).path("stream").asBoolean(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
