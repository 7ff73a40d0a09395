package dev.tollgate.gateway.simulator;

import static dev.tollgate.gateway.simulator.Exchanges.body;
import static dev.tollgate.gateway.simulator.Exchanges.events;
import static dev.tollgate.gateway.simulator.Exchanges.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.gateway.TokenCounter;
import dev.tollgate.gateway.simulator.Exchanges.ServerSentEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnthropicSimulatorTest {
    private static final String MODEL = "claude-sonnet-4-5";
    private static final String REQUEST = "{'model':'" + MODEL + "','system':'Be brief.',"
            + "'messages':[{'role':'user','content':'Say hello.'}]";

    private final Simulator simulator = Exchanges.simulator();

    private SimulatedResponse post(String requestJson) {
        return simulator.respond("api.anthropic.com", "POST", "/v1/messages", body(requestJson));
    }

    @Test
    void messageHasAnthropicShape() {
        String request = REQUEST + ",'max_tokens':1024}";
        SimulatedResponse response = post(request);
        JsonNode message = json(response.body());
        String text = message.at("/content/0/text").asText();
        int input = TokenCounter.countRequestInput(MODEL, json(body(request)));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).containsEntry("content-type", "application/json");
        assertThat(response.headers()).containsEntry("x-tollgate-simulated", "true");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("model").asText()).isEqualTo(MODEL);
        assertThat(message.path("content").size()).isEqualTo(1);
        assertThat(message.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(text).contains("simulated sandbox reply");
        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message.at("/usage/input_tokens").asInt()).isEqualTo(input);
        assertThat(message.at("/usage/output_tokens").asInt())
                .isEqualTo(TokenCounter.countText(MODEL, text));
        assertThat(message.at("/usage/cache_creation_input_tokens").asInt()).isZero();
        assertThat(message.at("/usage/cache_read_input_tokens").asInt()).isZero();
    }

    @Test
    void maxTokensStopsReply() {
        JsonNode message = json(post(REQUEST + ",'max_tokens':6}").body());

        assertThat(message.path("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(message.at("/usage/output_tokens").asInt()).isBetween(1, 6);
        assertThat(TokenCounter.countText(MODEL, message.at("/content/0/text").asText()))
                .isBetween(1, 6);
    }

    @Test
    void streamFollowsAnthropicEventOrder() {
        String request = REQUEST + ",'max_tokens':1024,'stream':true}";
        List<ServerSentEvent> events = events(post(request));
        List<String> names = events.stream().map(ServerSentEvent::name).toList();
        int deltas = names.size() - 6;

        assertThat(names.subList(0, 3))
                .containsExactly("message_start", "content_block_start", "ping");
        assertThat(names.subList(3, 3 + deltas)).containsOnly("content_block_delta");
        assertThat(names.subList(3 + deltas, names.size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(deltas).isGreaterThan(1);
        for (ServerSentEvent event : events) {
            assertThat(event.json().path("type").asText()).isEqualTo(event.name());
        }
    }

    @Test
    void streamUsageMatchesCounts() {
        String request = REQUEST + ",'max_tokens':1024,'stream':true}";
        List<JsonNode> data = Exchanges.eventData(post(request));
        JsonNode start = data.get(0).path("message");
        JsonNode messageDelta = data.get(data.size() - 2);
        StringBuilder text = new StringBuilder();
        for (JsonNode event : data.subList(3, data.size() - 3)) {
            assertThat(event.at("/delta/type").asText()).isEqualTo("text_delta");
            text.append(event.at("/delta/text").asText());
        }
        int input = TokenCounter.countRequestInput(MODEL, json(body(request)));

        assertThat(start.path("id").asText()).startsWith("msg_");
        assertThat(start.path("content").isEmpty()).isTrue();
        assertThat(start.path("stop_reason").isNull()).isTrue();
        assertThat(start.at("/usage/input_tokens").asInt()).isEqualTo(input);
        assertThat(start.at("/usage/output_tokens").asInt()).isEqualTo(1);
        assertThat(data.get(1).at("/content_block/text").asText()).isEmpty();
        assertThat(messageDelta.at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(messageDelta.at("/usage/output_tokens").asInt())
                .isEqualTo(TokenCounter.countText(MODEL, text.toString()));
        assertThat(text.toString()).contains("simulated sandbox reply");
    }

    @Test
    void streamHonoursMaxTokens() {
        List<JsonNode> data = Exchanges.eventData(post(REQUEST + ",'max_tokens':3,'stream':true}"));
        JsonNode messageDelta = data.get(data.size() - 2);

        assertThat(messageDelta.at("/delta/stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(messageDelta.at("/usage/output_tokens").asInt()).isBetween(1, 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'messages':[{'role':'user','content':'hi'}],'max_tokens':10}",
        "{'model':'claude-sonnet-4-5','max_tokens':10}",
        "{'model':'claude-sonnet-4-5','messages':[],'max_tokens':10}",
        "{'model':'claude-sonnet-4-5','messages':[{'role':'user','content':'hi'}]}",
        "{'model':'claude-sonnet-4-5','messages':[{'role':'user','content':'hi'}],'max_tokens':0}",
    })
    void invalidRequestGetsAnthropicError(String request) {
        SimulatedResponse response = post(request);
        JsonNode error = json(response.body());

        assertThat(response.status()).isEqualTo(400);
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.at("/error/message").asText()).isNotBlank();
        assertThat(error.path("error").has("param")).isFalse();
    }

    @Test
    void bodyNotJsonGetsAnthropicError() {
        SimulatedResponse response = simulator.respond("api.anthropic.com", "POST",
                "/v1/messages", "{\"model\":".getBytes(StandardCharsets.UTF_8));
        JsonNode error = json(response.body());

        assertThat(response.status()).isEqualTo(400);
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.at("/error/message").asText()).contains("not valid JSON");
    }
}
