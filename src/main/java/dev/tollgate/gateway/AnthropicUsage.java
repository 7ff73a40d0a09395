package dev.tollgate.gateway;

import dev.tollgate.billing.TokenUsage;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads Anthropic Messages responses, streamed or not. Anthropic's {@code input_tokens}
 * excludes {@code cache_read_input_tokens} and {@code cache_creation_input_tokens}, so the three
 * map directly to the disjoint input parts of {@link TokenUsage}. In a stream,
 * {@code message_start} carries the first usage and {@code message_delta} then replaces each
 * count it contains with a cumulative value. With server-side compaction, {@code usage.iterations}
 * lists each model call of the request, and the bill is their sum. Anthropic reports no total
 * and no separate reasoning count, so {@code providerTotal} is -1 and {@code reasoning} 0.
 * Not thread-safe.
 */
final class AnthropicUsage extends FormatReader {
    private long inputUncached;
    private long cacheRead;
    private long cacheWrite;
    private long output;
    private TokenUsage iterationsSum;

    @Override
    void readEvent(String eventName, JsonNode event) {
        String type = event.path("type").asText(eventName == null ? "" : eventName);
        switch (type) {
            case "message_start" -> readMessage(event.path("message"));
            case "message_delta" -> mergeUsage(event.path("usage"));
            case "content_block_delta" -> readDelta(event.path("delta"));
            case "error" -> noteErrorEvent();
            default -> {
                // Pings, block starts and stops and message_stop carry no usage or text.
            }
        }
    }

    @Override
    void readBody(JsonNode body) {
        readMessage(body);
        for (JsonNode block : body.path("content")) {
            if ("text".equals(block.path("type").asText())) {
                appendText(block.path("text"));
            }
        }
    }

    private void readMessage(JsonNode message) {
        noteModel(message.path("model"));
        noteResponseId(message.path("id"));
        mergeUsage(message.path("usage"));
    }

    private void readDelta(JsonNode delta) {
        if ("text_delta".equals(delta.path("type").asText())) {
            appendText(delta.path("text"));
        }
    }

    private void mergeUsage(JsonNode usage) {
        if (!usage.isObject()) {
            return;
        }
        inputUncached = replaced(inputUncached, usage, "input_tokens");
        cacheRead = replaced(cacheRead, usage, "cache_read_input_tokens");
        cacheWrite = replaced(cacheWrite, usage, "cache_creation_input_tokens");
        output = replaced(output, usage, "output_tokens");
        JsonNode iterations = usage.path("iterations");
        if (iterations.isArray() && !iterations.isEmpty()) {
            iterationsSum = sumOf(iterations);
        }
        TokenUsage topLevel = new TokenUsage(inputUncached, cacheRead, cacheWrite, output, 0, -1);
        setUsage(iterationsSum != null ? iterationsSum : topLevel);
    }

    /** Returns the count in {@code usage.field} when present, else {@code current}. */
    private static long replaced(long current, JsonNode usage, String field) {
        return usage.path(field).isNumber() ? count(usage, field) : current;
    }

    private static TokenUsage sumOf(JsonNode iterations) {
        long input = 0;
        long read = 0;
        long write = 0;
        long generated = 0;
        for (JsonNode iteration : iterations) {
            input += count(iteration, "input_tokens");
            read += count(iteration, "cache_read_input_tokens");
            write += count(iteration, "cache_creation_input_tokens");
            generated += count(iteration, "output_tokens");
        }
        return new TokenUsage(input, read, write, generated, 0, -1);
    }
}
