package dev.tollgate.gateway.simulator;

import static dev.tollgate.gateway.simulator.Exchanges.body;
import static dev.tollgate.gateway.simulator.Exchanges.eventData;
import static dev.tollgate.gateway.simulator.Exchanges.events;
import static dev.tollgate.gateway.simulator.Exchanges.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.gateway.TokenCounter;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiChatSimulatorTest {
    private static final String HOST = "api.openai.com";
    private static final String PATH = "/v1/chat/completions";
    private static final String REQUEST =
            "{'model':'gpt-4o-mini','messages':[{'role':'user','content':'Say hello.'}]";

    private final Simulator simulator = Exchanges.simulator();

    private SimulatedResponse post(String requestJson) {
        return simulator.respond(HOST, "POST", PATH, body(requestJson));
    }

    @Test
    void completionHasOpenAiShape() {
        SimulatedResponse response = post(REQUEST + "}");
        JsonNode completion = json(response.body());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.streaming()).isFalse();
        assertThat(response.events()).isEmpty();
        assertThat(response.headers()).containsEntry("content-type", "application/json");
        assertThat(response.headers()).containsEntry("x-tollgate-simulated", "true");
        assertThat(completion.path("id").asText()).startsWith("chatcmpl-");
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("created").asLong()).isEqualTo(Exchanges.NOW.getEpochSecond());
        assertThat(completion.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(completion.at("/choices/0/index").asInt()).isZero();
        assertThat(completion.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(completion.at("/choices/0/message/content").asText())
                .contains("simulated sandbox reply");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void completionUsageIsRealCounts() {
        byte[] request = body(REQUEST + "}");
        JsonNode completion = json(simulator.respond(HOST, "POST", PATH, request).body());
        String text = completion.at("/choices/0/message/content").asText();
        int prompt = TokenCounter.countRequestInput("gpt-4o-mini", json(request));
        int output = TokenCounter.countText("gpt-4o-mini", text);
        JsonNode usage = completion.path("usage");

        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(prompt);
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(output);
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(prompt + output);
        assertThat(usage.at("/prompt_tokens_details/cached_tokens").isInt()).isTrue();
        assertThat(usage.at("/prompt_tokens_details/cached_tokens").asInt()).isZero();
        assertThat(usage.at("/completion_tokens_details/reasoning_tokens").isInt()).isTrue();
        assertThat(usage.at("/completion_tokens_details/reasoning_tokens").asInt()).isZero();
        assertThat(output).isBetween(20, 40);
    }

    @Test
    void sameBodyGivesSameText() {
        String first = json(post(REQUEST + "}").body()).at("/choices/0/message/content").asText();
        String second = json(Exchanges.simulator().respond(HOST, "POST", PATH,
                body(REQUEST + "}")).body()).at("/choices/0/message/content").asText();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void responseIdsDifferBetweenReplies() {
        String first = json(post(REQUEST + "}").body()).path("id").asText();
        String second = json(post(REQUEST + "}").body()).path("id").asText();

        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void maxTokensCutsReplyShort() {
        for (int maxTokens : List.of(1, 5, 12)) {
            JsonNode completion = json(post(REQUEST + ",'max_tokens':" + maxTokens + "}").body());

            assertThat(completion.at("/usage/completion_tokens").asInt())
                    .as("max_tokens %d", maxTokens)
                    .isBetween(1, maxTokens);
            assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        }
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokens() {
        String request = REQUEST + ",'max_tokens':100,'max_completion_tokens':3}";
        JsonNode completion = json(post(request).body());

        assertThat(completion.at("/usage/completion_tokens").asInt()).isBetween(1, 3);
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void largeMaxTokensKeepsWholeReply() {
        JsonNode bounded = json(post(REQUEST + ",'max_tokens':4096}").body());

        assertThat(bounded.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(bounded.at("/usage/completion_tokens").asInt()).isBetween(20, 40);
    }

    @Test
    void streamParsesAsChunksThenDone() {
        SimulatedResponse response = post(REQUEST + ",'stream':true}");
        List<Exchanges.ServerSentEvent> events = events(response);
        Exchanges.ServerSentEvent last = events.get(events.size() - 1);

        assertThat(response.headers().get("content-type")).startsWith("text/event-stream");
        assertThat(response.headers()).containsEntry("x-tollgate-simulated", "true");
        assertThat(response.body()).isEmpty();
        assertThat(last.data()).isEqualTo("[DONE]");
        assertThat(events).allSatisfy(event -> assertThat(event.name()).isEmpty());
        for (Exchanges.ServerSentEvent event : events.subList(0, events.size() - 1)) {
            assertThat(event.json().path("object").asText()).isEqualTo("chat.completion.chunk");
        }
    }

    @Test
    void streamDeltasRebuildTheText() {
        List<JsonNode> chunks = chunks(post(REQUEST + ",'stream':true}"));
        List<String> replies = ReplyText.CLOSINGS.stream()
                .map(closing -> ReplyText.OPENING + " " + closing)
                .toList();
        JsonNode first = chunks.get(0);
        JsonNode finish = chunks.get(chunks.size() - 1);
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks.subList(1, chunks.size() - 1)) {
            assertThat(chunk.at("/choices/0/finish_reason").isNull()).isTrue();
            text.append(chunk.at("/choices/0/delta/content").asText());
        }

        assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(text.toString()).isIn(replies);
        assertThat(finish.at("/choices/0/delta").isEmpty()).isTrue();
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.has("usage")).isFalse());
        assertThat(chunks.stream().map(chunk -> chunk.path("id").asText()).distinct())
                .hasSize(1);
    }

    @Test
    void includeUsageAddsFinalUsageChunk() {
        String request = REQUEST + ",'stream':true,'stream_options':{'include_usage':true}}";
        List<JsonNode> chunks = chunks(post(request));
        JsonNode usageChunk = chunks.get(chunks.size() - 1);
        String text = textOf(chunks);
        int prompt = TokenCounter.countRequestInput("gpt-4o-mini", json(body(request)));
        int output = TokenCounter.countText("gpt-4o-mini", text);

        assertThat(usageChunk.path("choices").isArray()).isTrue();
        assertThat(usageChunk.path("choices").isEmpty()).isTrue();
        assertThat(usageChunk.at("/usage/prompt_tokens").asInt()).isEqualTo(prompt);
        assertThat(usageChunk.at("/usage/completion_tokens").asInt()).isEqualTo(output);
        assertThat(usageChunk.at("/usage/total_tokens").asInt()).isEqualTo(prompt + output);
        for (JsonNode chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(chunk.path("usage").isNull()).isTrue();
        }
    }

    @Test
    void includeUsageFalseSendsNoUsage() {
        String request = REQUEST + ",'stream':true,'stream_options':{'include_usage':false}}";
        List<JsonNode> chunks = chunks(post(request));

        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.has("usage")).isFalse());
        assertThat(chunks.get(chunks.size() - 1).path("choices").size()).isEqualTo(1);
    }

    @Test
    void streamHonoursMaxTokens() {
        String request = REQUEST + ",'stream':true,'max_tokens':4,"
                + "'stream_options':{'include_usage':true}}";
        List<JsonNode> chunks = chunks(post(request));
        JsonNode finish = chunks.get(chunks.size() - 2);

        assertThat(TokenCounter.countText("gpt-4o-mini", textOf(chunks))).isBetween(1, 4);
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(chunks.get(chunks.size() - 1).at("/usage/completion_tokens").asInt())
                .isBetween(1, 4);
    }

    @Test
    void compatibleHostsAnswerSameShape() {
        String[][] routes = {
            {"api.groq.com", "/openai/v1/chat/completions"},
            {"api.mistral.ai", "/v1/chat/completions"},
            {"api.deepseek.com", "/chat/completions"},
            {"generativelanguage.googleapis.com", "/v1beta/openai/chat/completions"},
        };
        for (String[] route : routes) {
            SimulatedResponse response =
                    simulator.respond(route[0], "POST", route[1], body(REQUEST + "}"));

            assertThat(response.status()).as(route[0]).isEqualTo(200);
            assertThat(json(response.body()).path("object").asText())
                    .isEqualTo("chat.completion");
        }
    }

    /** Returns the JSON chunks of a stream, without the final {@code [DONE]}. */
    private static List<JsonNode> chunks(SimulatedResponse response) {
        List<Exchanges.ServerSentEvent> events = events(response);
        return events.subList(0, events.size() - 1).stream()
                .map(Exchanges.ServerSentEvent::json)
                .toList();
    }

    private static String textOf(List<JsonNode> chunks) {
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks) {
            text.append(chunk.at("/choices/0/delta/content").asText(""));
        }
        return text.toString();
    }
}
