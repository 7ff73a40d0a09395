package dev.tollgate.gateway;

import dev.tollgate.billing.TokenUsage;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads OpenAI Responses API results ({@code /v1/responses}), streamed or not. A stream carries
 * usage under {@code response.usage} of its terminal event: {@code response.completed}, or
 * {@code response.incomplete} or {@code response.failed} when that one carries it. Earlier
 * events such as {@code response.created} have {@code usage: null}. Cached and cache-write
 * tokens are parts of {@code input_tokens}, and reasoning tokens part of {@code output_tokens}.
 * Not thread-safe.
 */
final class OpenAiResponsesUsage extends FormatReader {

    @Override
    void readEvent(String eventName, JsonNode event) {
        JsonNode response = event.path("response");
        if (response.isObject()) {
            readResponse(response);
        }
        String type = event.path("type").asText(eventName == null ? "" : eventName);
        if ("response.output_text.delta".equals(type)) {
            appendText(event.path("delta"));
        } else if ("error".equals(type) || "response.failed".equals(type)) {
            noteErrorEvent();
        }
    }

    @Override
    void readBody(JsonNode body) {
        readResponse(body);
        for (JsonNode item : body.path("output")) {
            for (JsonNode part : item.path("content")) {
                if ("output_text".equals(part.path("type").asText())) {
                    appendText(part.path("text"));
                }
            }
        }
    }

    /** Converts a Responses API {@code usage} object. */
    static TokenUsage toTokenUsage(JsonNode usage) {
        long input = count(usage, "input_tokens");
        JsonNode inputDetails = usage.path("input_tokens_details");
        long cacheRead = count(inputDetails, "cached_tokens");
        long cacheWrite = count(inputDetails, "cache_write_tokens");
        long output = count(usage, "output_tokens");
        long reasoning = count(usage.path("output_tokens_details"), "reasoning_tokens");
        long total = countOrAbsent(usage, "total_tokens");
        long inputUncached = Math.max(0, input - cacheRead - cacheWrite);
        return new TokenUsage(inputUncached, cacheRead, cacheWrite, output, reasoning, total);
    }

    private void readResponse(JsonNode response) {
        noteModel(response.path("model"));
        noteResponseId(response.path("id"));
        JsonNode usage = response.path("usage");
        if (usage.isObject()) {
            setUsage(toTokenUsage(usage));
        }
    }
}
