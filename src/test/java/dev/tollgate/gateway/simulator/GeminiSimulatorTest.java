package dev.tollgate.gateway.simulator;

import static dev.tollgate.gateway.simulator.Exchanges.body;
import static dev.tollgate.gateway.simulator.Exchanges.eventData;
import static dev.tollgate.gateway.simulator.Exchanges.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.gateway.TokenCounter;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeminiSimulatorTest {
    private static final String HOST = "generativelanguage.googleapis.com";
    private static final String MODEL = "gemini-2.5-flash";
    private static final String REQUEST =
            "{'contents':[{'role':'user','parts':[{'text':'Say hello.'}]}]";

    private final Simulator simulator = Exchanges.simulator();

    private SimulatedResponse post(String method, String requestJson) {
        String path = "/v1beta/models/" + MODEL + ":" + method;
        return simulator.respond(HOST, "POST", path, body(requestJson));
    }

    @Test
    void generateContentHasGeminiShape() {
        String request = REQUEST + "}";
        SimulatedResponse response = post("generateContent", request);
        JsonNode body = json(response.body());
        String text = body.at("/candidates/0/content/parts/0/text").asText();
        int prompt = TokenCounter.countRequestInput(MODEL, json(body(request)));
        int output = TokenCounter.countText(MODEL, text);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.streaming()).isFalse();
        assertThat(body.at("/candidates/0/content/role").asText()).isEqualTo("model");
        assertThat(body.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(text).contains("simulated sandbox reply");
        assertThat(body.path("modelVersion").asText()).isEqualTo(MODEL);
        assertThat(body.at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(prompt);
        assertThat(body.at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(output);
        assertThat(body.at("/usageMetadata/totalTokenCount").asInt()).isEqualTo(prompt + output);
    }

    @Test
    void maxOutputTokensStopsReply() {
        String request = REQUEST + ",'generationConfig':{'maxOutputTokens':4}}";
        JsonNode body = json(post("generateContent", request).body());

        assertThat(body.at("/candidates/0/finishReason").asText()).isEqualTo("MAX_TOKENS");
        assertThat(body.at("/usageMetadata/candidatesTokenCount").asInt()).isBetween(1, 4);
    }

    @Test
    void sseStreamUsageIsCumulative() {
        List<JsonNode> chunks = eventData(post("streamGenerateContent?alt=sse", REQUEST + "}"));
        JsonNode last = chunks.get(chunks.size() - 1);
        StringBuilder text = new StringBuilder();
        int previous = 0;
        for (JsonNode chunk : chunks) {
            text.append(chunk.at("/candidates/0/content/parts/0/text").asText());
            int soFar = chunk.at("/usageMetadata/candidatesTokenCount").asInt();

            assertThat(soFar).isEqualTo(TokenCounter.countText(MODEL, text.toString()));
            assertThat(soFar).isGreaterThanOrEqualTo(previous);
            previous = soFar;
        }

        assertThat(chunks.size()).isGreaterThan(1);
        assertThat(last.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(chunks.get(0).at("/candidates/0/finishReason").isMissingNode()).isTrue();
        assertThat(last.at("/usageMetadata/totalTokenCount").asInt())
                .isEqualTo(last.at("/usageMetadata/promptTokenCount").asInt() + previous);
    }

    @Test
    void streamWithoutSseIsJsonArray() {
        SimulatedResponse response = post("streamGenerateContent", REQUEST + "}");
        JsonNode chunks = json(response.body());
        JsonNode last = chunks.get(chunks.size() - 1);

        assertThat(response.streaming()).isFalse();
        assertThat(response.headers()).containsEntry("content-type", "application/json");
        assertThat(chunks.isArray()).isTrue();
        assertThat(chunks.size()).isGreaterThan(1);
        assertThat(last.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    void missingContentsGetsGoogleError() {
        for (String request : List.of("{}", "{'contents':[]}", "not json",
                "{'contents':[{}],'generationConfig':{'maxOutputTokens':0}}")) {
            SimulatedResponse response = post("generateContent", request);
            JsonNode error = json(response.body()).path("error");

            assertThat(response.status()).as(request).isEqualTo(400);
            assertThat(error.path("code").asInt()).isEqualTo(400);
            assertThat(error.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
            assertThat(error.path("message").asText()).isNotBlank();
        }
    }
}
