package dev.tollgate.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tollgate.testing.FakeProvider.Received;
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
 * Runs {@code examples/billing-flow/billing-flow.mjs} unchanged against a server whose OpenAI
 * host is a fake provider, and checks the charges and the credit left that the script prints on
 * its {@code RESULT} line. {@link NodeProject} lists the tools it needs and when it is skipped.
 */
class BillingFlowExampleTest extends GatewayOnBothDatabases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLE_PROJECT = Path.of("examples", "billing-flow");
    private static final String SCRIPT = "billing-flow.mjs";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    private static final String RESULT_PREFIX = "RESULT ";

    private static final String CHAT_REPLY = """
            {"id":"chatcmpl-flow1","object":"chat.completion","created":1767225600,
             "model":"gpt-4o-mini-2024-07-18",
             "choices":[{"index":0,"message":{"role":"assistant",
                         "content":"Hello there, how are you?"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":300,"completion_tokens":400,"total_tokens":700}}""";
    private static final List<String> CHAT_STREAM = List.of(
            chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
            chunk("{\"content\":\"One, two, \"}", null),
            chunk("{\"content\":\"three.\"}", "\"stop\""),
            "data: {\"id\":\"chatcmpl-flow2\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1767225601,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":12,"
                    + "\"total_tokens\":32}}\n\n",
            "data: [DONE]\n\n");

    private static String chunk(String delta, String finishReason) {
        return "data: {\"id\":\"chatcmpl-flow2\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1767225601,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{"
                + "\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason
                + "}]}\n\n";
    }

    private static Reply chatReply(Received request) {
        try {
            boolean streaming = JSON.readTree(request.body()).path("stream").asBoolean(false);
            return streaming ? Reply.stream(CHAT_STREAM) : Reply.json(200, CHAT_REPLY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void billingFlowChargesBothCompletions() throws IOException {
        gateway.provider().on("/v1/chat/completions", BillingFlowExampleTest::chatReply);
        NodeProject project = NodeProject.installed(EXAMPLE_PROJECT);

        NodeProject.Result result = project.run(List.of("node", SCRIPT),
                Map.of("TOLLGATE_BASE_URL", gateway.api().baseUrl(),
                        "TOLLGATE_SECRET_KEY", TestServer.SANDBOX_KEY,
                        "NO_COLOR", "1"),
                RUN_TIMEOUT);

        assertThat(result.timedOut())
                .withFailMessage("node %s did not finish within %s on %s. Output:%n%s",
                        SCRIPT, RUN_TIMEOUT, database, result.output())
                .isFalse();
        assertThat(result.exitCode())
                .withFailMessage("node %s exited with %d on %s. Output:%n%s",
                        SCRIPT, result.exitCode(), database, result.output())
                .isZero();
        JsonNode summary = resultLine(result.output());
        // The requests are listed newest first, so the streamed completion comes first.
        // Streamed: (20 + 12) tokens x $2 / 1,000,000 = 0.000064.
        // Not streamed: (300 + 400) tokens x $2 / 1,000,000 = 0.0014.
        assertThat(texts(summary.path("charges")))
                .as("charges in %s", summary)
                .containsExactly("0.0000640000", "0.0014000000");
        assertThat(summary.path("tokens").valueStream().map(JsonNode::asLong).toList())
                .as("total tokens in %s", summary)
                .containsExactly(32L, 700L);
        // Remaining credit: 10 - 0.0014 - 0.000064 = 9.998536.
        assertThat(summary.path("total_remaining").asText())
                .as("remaining credit in %s", summary)
                .isEqualTo("9.9985360000");
        assertThat(result.output()).contains("reply: Hello there, how are you?");
        assertThat(result.output()).contains("streamed: One, two, three.");
        JsonNode streamRequest = JSON.readTree(gateway.provider().received().getLast().body());
        assertThat(streamRequest.at("/stream_options/include_usage").asBoolean())
                .as("include_usage that the gateway added to %s", streamRequest)
                .isTrue();
    }

    /** Returns the JSON of the script's {@code RESULT} line. */
    private static JsonNode resultLine(String output) throws IOException {
        String line = output.lines()
                .filter(candidate -> candidate.startsWith(RESULT_PREFIX))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("No line starting with '" + RESULT_PREFIX
                        + "' in the output of " + SCRIPT + ":\n" + output));
        return JSON.readTree(line.substring(RESULT_PREFIX.length()));
    }

    private static List<String> texts(JsonNode array) {
        return array.valueStream().map(JsonNode::asText).toList();
    }
}
