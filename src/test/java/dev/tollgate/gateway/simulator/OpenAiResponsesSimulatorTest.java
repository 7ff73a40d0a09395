package dev.tollgate.gateway.simulator;

import static dev.tollgate.gateway.simulator.Exchanges.body;
import static dev.tollgate.gateway.simulator.Exchanges.events;
import static dev.tollgate.gateway.simulator.Exchanges.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.gateway.TokenCounter;
import dev.tollgate.gateway.simulator.Exchanges.ServerSentEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiResponsesSimulatorTest {
    private static final String REQUEST =
            "{'model':'gpt-4.1','instructions':'Be brief.','input':'Say hello.'";

    private final Simulator simulator = Exchanges.simulator();

    private SimulatedResponse post(String requestJson) {
        return simulator.respond("api.openai.com", "POST", "/v1/responses", body(requestJson));
    }

    @Test
    void responseHasOutputAndUsage() {
        String request = REQUEST + "}";
        JsonNode response = json(post(request).body());
        String text = response.at("/output/0/content/0/text").asText();
        int input = TokenCounter.countRequestInput("gpt-4.1", json(body(request)));
        int output = TokenCounter.countText("gpt-4.1", text);

        assertThat(response.path("id").asText()).startsWith("resp_");
        assertThat(response.path("object").asText()).isEqualTo("response");
        assertThat(response.path("created_at").asLong()).isEqualTo(Exchanges.NOW.getEpochSecond());
        assertThat(response.path("status").asText()).isEqualTo("completed");
        assertThat(response.path("model").asText()).isEqualTo("gpt-4.1");
        assertThat(response.path("instructions").asText()).isEqualTo("Be brief.");
        assertThat(response.at("/output/0/type").asText()).isEqualTo("message");
        assertThat(response.at("/output/0/role").asText()).isEqualTo("assistant");
        assertThat(response.at("/output/0/content/0/type").asText()).isEqualTo("output_text");
        assertThat(text).contains("simulated sandbox reply");
        assertThat(response.at("/usage/input_tokens").asInt()).isEqualTo(input);
        assertThat(response.at("/usage/output_tokens").asInt()).isEqualTo(output);
        assertThat(response.at("/usage/total_tokens").asInt()).isEqualTo(input + output);
        assertThat(response.at("/usage/input_tokens_details/cached_tokens").asInt()).isZero();
        assertThat(response.at("/usage/output_tokens_details/reasoning_tokens").asInt())
                .isZero();
    }

    @Test
    void maxOutputTokensMakesIncomplete() {
        JsonNode response = json(post(REQUEST + ",'max_output_tokens':5}").body());

        assertThat(response.path("status").asText()).isEqualTo("incomplete");
        assertThat(response.at("/incomplete_details/reason").asText())
                .isEqualTo("max_output_tokens");
        assertThat(response.at("/usage/output_tokens").asInt()).isBetween(1, 5);
    }

    @Test
    void streamCarriesDeltasAndUsage() {
        String request = REQUEST + ",'stream':true}";
        List<ServerSentEvent> events = events(post(request));
        List<String> names = events.stream().map(ServerSentEvent::name).toList();
        JsonNode completed = events.get(events.size() - 1).json().path("response");
        StringBuilder text = new StringBuilder();
        for (ServerSentEvent event : events) {
            if (event.name().equals("response.output_text.delta")) {
                text.append(event.json().path("delta").asText());
            }
        }
        int input = TokenCounter.countRequestInput("gpt-4.1", json(body(request)));

        assertThat(names.get(0)).isEqualTo("response.created");
        assertThat(names).contains("response.output_item.added", "response.output_text.done");
        assertThat(names.get(names.size() - 1)).isEqualTo("response.completed");
        assertThat(events.get(0).json().at("/response/status").asText())
                .isEqualTo("in_progress");
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        assertThat(completed.at("/output/0/content/0/text").asText())
                .isEqualTo(text.toString());
        assertThat(completed.at("/usage/input_tokens").asInt()).isEqualTo(input);
        assertThat(completed.at("/usage/output_tokens").asInt())
                .isEqualTo(TokenCounter.countText("gpt-4.1", text.toString()));
        for (int i = 0; i < events.size(); i++) {
            JsonNode data = events.get(i).json();
            assertThat(data.path("type").asText()).isEqualTo(events.get(i).name());
            assertThat(data.path("sequence_number").asInt()).isEqualTo(i);
        }
    }

    @Test
    void truncatedStreamEndsIncomplete() {
        String request = REQUEST + ",'stream':true,'max_output_tokens':2}";
        List<ServerSentEvent> events = events(post(request));
        ServerSentEvent last = events.get(events.size() - 1);

        assertThat(last.name()).isEqualTo("response.incomplete");
        assertThat(last.json().at("/response/usage/output_tokens").asInt()).isBetween(1, 2);
    }
}
