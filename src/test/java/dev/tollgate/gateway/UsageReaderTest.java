package dev.tollgate.gateway;

import dev.tollgate.billing.TokenUsage;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageReaderTest {
    private static final String USAGE_CHUNK = "data: {\"choices\":[],\"usage\":"
            + "{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n";

    @Test
    void malformedEventIsSkipped() {
        UsageReader reader = read(ResponseFormat.OPENAI_CHAT, "data: {\"usage\": {broken\n\n"
                + "data: {\"usage\":{\"prompt_tokens\":1e30}\n\n" + USAGE_CHUNK);

        assertThat(reader.usage()).map(TokenUsage::inputUncached).contains(3L);
        assertThat(reader.usage()).map(TokenUsage::providerTotal).contains(4L);
    }

    @Test
    void oddJsonNeverThrows() {
        List<String> payloads = List.of(
                "[".repeat(5000) + "]".repeat(5000),
                "{\"usage\":{\"prompt_tokens\":" + "9".repeat(2000) + "}}",
                "{\"usage\":\"none\",\"choices\":{\"delta\":7},\"model\":3}",
                "{\"usage\":{\"iterations\":[1,null,{\"input_tokens\":\"x\"}]}}",
                "{\"type\":\"message_start\",\"message\":[]}",
                "{\"candidates\":5,\"usageMetadata\":[],\"response\":{\"usage\":1}}",
                "[1,\"a\",null,{\"candidates\":[{\"content\":{\"parts\":[{\"text\":1}]}}]}]",
                "\"just a string\"",
                "42");

        for (ResponseFormat format : ResponseFormat.values()) {
            UsageReader reader = UsageReader.forFormat(format);
            for (String payload : payloads) {
                SseEvent event = new SseEvent(new byte[0], null, payload, false);
                assertThatCode(() -> reader.acceptEvent(event)).as(format + " event " + payload)
                        .doesNotThrowAnyException();
                assertThatCode(() -> reader.acceptBody(payload.getBytes(UTF_8)))
                        .as(format + " body " + payload)
                        .doesNotThrowAnyException();
            }
            assertThat(reader.outputText()).as(format.name()).isEmpty();
        }
    }

    @Test
    void nonJsonEventsAreSkipped() {
        UsageReader reader = read(ResponseFormat.OPENAI_CHAT,
                ": keep-alive\n\ndata:\n\nevent: ping\n\ndata: [DONE]\n\n");

        assertThat(reader.usage()).isEmpty();
        assertThat(reader.outputText()).isEmpty();
    }

    @Test
    void nonJsonBodyLeavesUsageEmpty() {
        UsageReader reader = UsageReader.forFormat(ResponseFormat.OPENAI_CHAT);

        reader.acceptBody("<html>Bad gateway</html>".getBytes(UTF_8));
        reader.acceptBody("{\"usage\":{\"prompt_tokens\":5".getBytes(UTF_8));

        assertThat(reader.usage()).isEmpty();
    }

    @Test
    void chatStreamGivesModelIdAndText() {
        UsageReader reader = replay(ResponseFormat.OPENAI_CHAT, "openai/chat_stream_usage.sse");

        assertThat(reader.model()).contains("gpt-test-1");
        assertThat(reader.responseId()).contains("chatcmpl-t3");
        assertThat(reader.outputText()).isEqualTo("Hello wörld");
        assertThat(reader.isOutputTextTruncated()).isFalse();
    }

    @Test
    void usageOnlyChunkNeedsEmptyChoices() {
        UsageReader reader = UsageReader.forFormat(ResponseFormat.OPENAI_CHAT);
        List<SseEvent> events = events(payload("openai/chat_stream_usage.sse"));
        List<SseEvent> withChoicesAndUsage =
                events(payload("groq/chat_stream_duplicate_usage.sse"));
        SseEvent filterResults = events("data: {\"choices\":[],\"prompt_filter_results\":[]}\n\n")
                .get(0);

        assertThat(events).filteredOn(reader::isUsageOnlyChunk).containsExactly(events.get(4));
        assertThat(withChoicesAndUsage).noneMatch(reader::isUsageOnlyChunk);
        assertThat(reader.isUsageOnlyChunk(filterResults)).isFalse();
    }

    @Test
    void usageOnlyChunkFalseForOtherFormats() {
        SseEvent chunk = events(USAGE_CHUNK).get(0);

        for (ResponseFormat format : ResponseFormat.values()) {
            boolean expected = format == ResponseFormat.OPENAI_CHAT;
            assertThat(UsageReader.forFormat(format).isUsageOnlyChunk(chunk))
                    .as(format.name()).isEqualTo(expected);
        }
    }

    @Test
    void groqUsageAloneIsRead() {
        UsageReader reader = read(ResponseFormat.OPENAI_CHAT, "data: {\"choices\":[],"
                + "\"x_groq\":{\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,"
                + "\"total_tokens\":15}}}\n\n");

        assertThat(reader.usage()).contains(new TokenUsage(12, 0, 0, 3, 0, 15));
    }

    @Test
    void deepSeekCacheHitTokensCounted() {
        UsageReader reader = body(ResponseFormat.OPENAI_CHAT, "{\"usage\":{\"prompt_tokens\":100,"
                + "\"prompt_cache_hit_tokens\":60,\"prompt_cache_miss_tokens\":40,"
                + "\"completion_tokens\":10,\"total_tokens\":110}}");

        assertThat(reader.usage()).contains(new TokenUsage(40, 60, 0, 10, 0, 110));
    }

    @Test
    void reasoningOutsideCompletionIsAdded() {
        UsageReader reader = body(ResponseFormat.OPENAI_CHAT, "{\"usage\":{\"prompt_tokens\":32,"
                + "\"completion_tokens\":9,\"total_tokens\":135,"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":94}}}");

        assertThat(reader.usage()).contains(new TokenUsage(32, 0, 0, 103, 94, 135));
    }

    @Test
    void countsAreClampedToRange() {
        UsageReader reader = body(ResponseFormat.OPENAI_CHAT, "{\"usage\":{\"prompt_tokens\":0,"
                + "\"completion_tokens\":1e30}}");

        long max = FormatReader.MAX_TOKEN_COUNT;
        assertThat(reader.usage()).contains(new TokenUsage(0, 0, 0, max, 0, -1));
    }

    @Test
    void negativeCountDiscardsUsage() {
        UsageReader reader = body(ResponseFormat.OPENAI_CHAT, "{\"usage\":{\"prompt_tokens\":-5,"
                + "\"completion_tokens\":10}}");

        assertThat(reader.usage()).isEmpty();
    }

    @Test
    void fractionalCountsRoundUp() {
        UsageReader reader = body(ResponseFormat.OPENAI_CHAT, "{\"usage\":{\"prompt_tokens\":10.2,"
                + "\"completion_tokens\":7.0,\"total_tokens\":17.2}}");

        assertThat(reader.usage()).contains(new TokenUsage(11, 0, 0, 7, 0, 18));
    }

    @Test
    void textCountDiscardsUsage() {
        UsageReader reader = body(ResponseFormat.OPENAI_CHAT, "{\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"message\":{\"content\":\"Hello\"}}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":\"many\"}}");

        assertThat(reader.usage()).isEmpty();
        assertThat(reader.meteredUsage()).isEmpty();
        assertThat(reader.outputText()).isEqualTo("Hello");
        assertThat(reader.model()).contains("gpt-4o-mini");
    }

    @Test
    void unreadableUsageStaysDiscarded() {
        UsageReader reader = UsageReader.forFormat(ResponseFormat.OPENAI_CHAT);
        for (SseEvent event : events("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":\"5\"}}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}\n\n")) {
            reader.acceptEvent(event);
        }

        assertThat(reader.usage()).isEmpty();
    }

    @Test
    void outputTextStopsAtMaximum() {
        UsageReader reader = UsageReader.forFormat(ResponseFormat.OPENAI_CHAT);
        String piece = "x".repeat(100_000);
        SseEvent chunk = events("data: {\"choices\":[{\"delta\":{\"content\":\"" + piece
                + "\"}}]}\n\n").get(0);

        for (int i = 0; i < 11; i++) {
            reader.acceptEvent(chunk);
        }

        assertThat(reader.outputText()).hasSize(UsageReader.MAX_OUTPUT_TEXT_CHARS);
        assertThat(reader.isOutputTextTruncated()).isTrue();
    }

    @Test
    void chatContentPartsAreCollected() {
        UsageReader reader = body(ResponseFormat.OPENAI_CHAT, "{\"choices\":[{\"message\":"
                + "{\"content\":[{\"type\":\"thinking\",\"thinking\":[]},"
                + "{\"type\":\"text\",\"text\":\"Final.\"}]}}]}");

        assertThat(reader.outputText()).isEqualTo("Final.");
    }

    @Test
    void anthropicBodyGivesTextAndIds() {
        UsageReader reader =
                replay(ResponseFormat.ANTHROPIC_MESSAGES, "anthropic/messages_cache.json");

        assertThat(reader.model()).contains("claude-test");
        assertThat(reader.responseId()).contains("msg_t1");
        assertThat(reader.outputText()).isEqualTo("Cached reply.");
    }

    @Test
    void anthropicStreamGivesText() {
        UsageReader reader = replay(ResponseFormat.ANTHROPIC_MESSAGES,
                "anthropic/messages_stream_delta_replaces.sse");

        assertThat(reader.model()).contains("claude-test");
        assertThat(reader.responseId()).contains("msg_t2");
        assertThat(reader.outputText()).isEqualTo("Two words");
    }

    @Test
    void responsesStreamGivesTextAndIds() {
        UsageReader reader = replay(ResponseFormat.OPENAI_RESPONSES, "openai/responses_stream.sse");

        assertThat(reader.model()).contains("gpt-test-2");
        assertThat(reader.responseId()).contains("resp_t2");
        assertThat(reader.outputText()).isEqualTo("Short answer.");
    }

    @Test
    void responsesBodyGivesOutputText() {
        UsageReader reader = replay(ResponseFormat.OPENAI_RESPONSES, "openai/responses_body.json");

        assertThat(reader.outputText()).isEqualTo("Done.");
        assertThat(reader.responseId()).contains("resp_t1");
    }

    @Test
    void geminiStreamGivesTextAndIds() {
        UsageReader reader = replay(ResponseFormat.GEMINI, "gemini/stream_prompt_drops.sse");

        assertThat(reader.model()).contains("gemini-test");
        assertThat(reader.responseId()).contains("g-t1");
        assertThat(reader.outputText()).isEqualTo("It is sunny today.");
    }

    @Test
    void geminiArrayBodyKeepsLastUsage() {
        UsageReader reader = body(ResponseFormat.GEMINI, "[{\"candidates\":[{\"content\":"
                + "{\"parts\":[{\"text\":\"A\"}]}}],\"usageMetadata\":{\"promptTokenCount\":9,"
                + "\"totalTokenCount\":9}},{\"candidates\":[{\"content\":{\"parts\":"
                + "[{\"text\":\"B\"}]}}],\"usageMetadata\":{\"promptTokenCount\":7,"
                + "\"candidatesTokenCount\":2,\"totalTokenCount\":9}}]");

        assertThat(reader.usage()).contains(new TokenUsage(7, 0, 0, 2, 0, 9));
        assertThat(reader.outputText()).isEqualTo("AB");
    }

    @Test
    void geminiToolUsePromptIsInput() {
        UsageReader reader = body(ResponseFormat.GEMINI, "{\"usageMetadata\":"
                + "{\"promptTokenCount\":10,\"toolUsePromptTokenCount\":90,"
                + "\"candidatesTokenCount\":5,\"totalTokenCount\":105}}");

        assertThat(reader.usage()).contains(new TokenUsage(100, 0, 0, 5, 0, 105));
    }

    private static UsageReader read(ResponseFormat format, String stream) {
        UsageReader reader = UsageReader.forFormat(format);
        events(stream).forEach(reader::acceptEvent);
        return reader;
    }

    private static UsageReader body(ResponseFormat format, String json) {
        UsageReader reader = UsageReader.forFormat(format);
        reader.acceptBody(json.getBytes(UTF_8));
        return reader;
    }

    private static UsageReader replay(ResponseFormat format, String payload) {
        Path file = ExpectedUsage.OWN_PAYLOADS.resolve(payload);
        if (!Replay.isStream(file)) {
            return body(format, payload(payload));
        }
        return read(format, payload(payload));
    }

    private static String payload(String name) {
        return new String(Replay.streamBytes(ExpectedUsage.OWN_PAYLOADS.resolve(name)), UTF_8);
    }

    private static List<SseEvent> events(String stream) {
        SseSplitter splitter = new SseSplitter();
        byte[] bytes = stream.getBytes(UTF_8);
        List<SseEvent> events = new ArrayList<>(splitter.feed(bytes, 0, bytes.length));
        events.addAll(splitter.finish());
        return events;
    }
}
