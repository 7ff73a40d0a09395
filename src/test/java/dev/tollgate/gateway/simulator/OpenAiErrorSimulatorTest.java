package dev.tollgate.gateway.simulator;

import static dev.tollgate.gateway.simulator.Exchanges.body;
import static dev.tollgate.gateway.simulator.Exchanges.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiErrorSimulatorTest {
    private final Simulator simulator = Exchanges.simulator();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/v1/chat/completions | {'messages':[{'role':'user','content':'hi'}]} | model",
        "/v1/chat/completions | {'model':'gpt-4o'} | messages",
        "/v1/chat/completions | {'model':'gpt-4o','messages':[]} | messages",
        "/v1/chat/completions | {'model':'gpt-4o','messages':'hi'} | messages",
        "/v1/chat/completions | {'model':'','messages':[{'role':'user'}]} | model",
        "/v1/chat/completions | {'model':'gpt-4o','messages':[{}],'max_tokens':0} | max_tokens",
        "/v1/chat/completions | {'model':'gpt-4o','messages':[{}],'max_tokens':'9'} | max_tokens",
        "/v1/embeddings | {'model':'text-embedding-3-small'} | input",
        "/v1/embeddings | {'model':'text-embedding-3-small','input':''} | input",
        "/v1/embeddings | {'model':'text-embedding-3-small','input':[]} | input",
        "/v1/embeddings | {'model':'text-embedding-3-small','input':[{}]} | input",
        "/v1/embeddings | {'input':'hi'} | model",
        "/v1/embeddings | {'model':'m','input':'hi','dimensions':5000} | dimensions",
        "/v1/embeddings | {'model':'m','input':'hi','encoding_format':'hex'} | encoding_format",
        "/v1/responses | {'model':'gpt-4o'} | input",
        "/v1/responses | {'input':'hi'} | model",
        "/v1/responses | {'model':'m','input':'hi','max_output_tokens':-1} | max_output_tokens",
    })
    void invalidFieldGetsOpenAiError(String path, String request, String param) {
        SimulatedResponse response = simulator.respond("api.openai.com", "POST", path,
                body(request));
        JsonNode error = json(response.body()).path("error");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.headers()).containsEntry("x-tollgate-simulated", "true");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("message").asText()).contains(param);
        assertThat(error.has("code")).isTrue();
    }

    @Test
    void bodyNotJsonGetsOpenAiError() {
        byte[] request = "model=gpt-4o".getBytes(StandardCharsets.UTF_8);
        SimulatedResponse response =
                simulator.respond("api.openai.com", "POST", "/v1/chat/completions", request);
        JsonNode error = json(response.body()).path("error");

        assertThat(response.status()).isEqualTo(400);
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).contains("not valid JSON");
        assertThat(error.path("param").isNull()).isTrue();
        assertThat(error.path("code").asText()).isEqualTo("invalid_json");
    }

    @Test
    void emptyOrArrayBodyGetsError() {
        for (byte[] request : new byte[][] {new byte[0], null, body("[1]"), body("{} {}")}) {
            SimulatedResponse response =
                    simulator.respond("api.openai.com", "POST", "/v1/chat/completions", request);

            assertThat(response.status()).isEqualTo(400);
            assertThat(json(response.body()).at("/error/type").asText())
                    .isEqualTo("invalid_request_error");
        }
    }
}
