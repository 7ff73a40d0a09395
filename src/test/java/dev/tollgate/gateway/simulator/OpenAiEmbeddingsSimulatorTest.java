package dev.tollgate.gateway.simulator;

import static dev.tollgate.gateway.simulator.Exchanges.body;
import static dev.tollgate.gateway.simulator.Exchanges.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.gateway.TokenCounter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OpenAiEmbeddingsSimulatorTest {
    private final Simulator simulator = Exchanges.simulator();

    private JsonNode post(String requestJson) {
        SimulatedResponse response =
                simulator.respond("api.openai.com", "POST", "/v1/embeddings", body(requestJson));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.streaming()).isFalse();
        assertThat(response.headers()).containsEntry("x-tollgate-simulated", "true");
        return json(response.body());
    }

    @Test
    void stringInputGetsOneVector() {
        JsonNode list = post("{'model':'text-embedding-3-small','input':'hello world'}");

        assertThat(list.path("object").asText()).isEqualTo("list");
        assertThat(list.path("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(list.path("data").size()).isEqualTo(1);
        assertThat(list.at("/data/0/object").asText()).isEqualTo("embedding");
        assertThat(list.at("/data/0/index").asInt()).isZero();
        assertThat(list.at("/data/0/embedding").size())
                .isEqualTo(OpenAiEmbeddings.DEFAULT_DIMENSIONS);
        assertThat(list.at("/usage/prompt_tokens").asInt()).isEqualTo(2);
        assertThat(list.at("/usage/total_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void arrayInputGetsVectorPerItem() {
        String request = "{'model':'text-embedding-3-small','input':['hello world','tiktoken is"
                + " great!','hello world'],'dimensions':8}";
        JsonNode list = post(request);
        int prompt = TokenCounter.countRequestInput("text-embedding-3-small",
                json(body(request)));

        assertThat(list.path("data").size()).isEqualTo(3);
        assertThat(list.at("/data/2/index").asInt()).isEqualTo(2);
        assertThat(list.at("/data/1/embedding").size()).isEqualTo(8);
        assertThat(list.at("/data/0/embedding")).isEqualTo(list.at("/data/2/embedding"));
        assertThat(list.at("/data/0/embedding")).isNotEqualTo(list.at("/data/1/embedding"));
        assertThat(list.at("/usage/prompt_tokens").asInt()).isEqualTo(prompt).isEqualTo(10);
    }

    @Test
    void vectorsAreUnitLengthAndStable() {
        JsonNode first = post("{'model':'m','input':'hello world','dimensions':64}");
        JsonNode second = post("{'model':'other','input':['x','hello world'],'dimensions':64}");
        double squares = 0;
        for (JsonNode value : first.at("/data/0/embedding")) {
            squares += value.asDouble() * value.asDouble();
        }

        assertThat(Math.sqrt(squares)).isCloseTo(1.0, within(1e-5));
        assertThat(second.at("/data/1/embedding")).isEqualTo(first.at("/data/0/embedding"));
    }

    @Test
    void tokenIdInputIsAccepted() {
        JsonNode list = post("{'model':'m','input':[[15339,1917],[15339]]}");

        assertThat(list.path("data").size()).isEqualTo(2);
        assertThat(list.at("/usage/prompt_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void base64MatchesFloatVector() {
        JsonNode floats = post("{'model':'m','input':'hello world','dimensions':12}");
        JsonNode encoded = post("{'model':'m','input':'hello world','dimensions':12,"
                + "'encoding_format':'base64'}");
        byte[] bytes = Base64.getDecoder().decode(encoded.at("/data/0/embedding").asText());
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

        assertThat(bytes).hasSize(12 * Float.BYTES);
        for (int i = 0; i < 12; i++) {
            assertThat(buffer.getFloat())
                    .isEqualTo(floats.at("/data/0/embedding/" + i).floatValue());
        }
    }

    @Test
    void compatibleHostServesEmbeddings() {
        SimulatedResponse response = simulator.respond("api.mistral.ai", "POST",
                "/v1/embeddings", body("{'model':'mistral-embed','input':'hi'}"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(json(response.body()).at("/data/0/object").asText()).isEqualTo("embedding");
    }
}
