package dev.tollgate.gateway;

import dev.tollgate.billing.TokenUsage;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads OpenAI chat completions and embeddings, streamed or not, and the same shape from
 * OpenAI-compatible providers. A stream carries usage on one chunk, which may also contain
 * choices (Mistral, OpenRouter, Groq) or an error (OpenRouter). Groq repeats that usage under
 * {@code x_groq.usage}, which is read only when the top-level {@code usage} is absent, so it
 * counts once. Not thread-safe.
 */
final class OpenAiChatUsage extends FormatReader {

    @Override
    void readEvent(String eventName, JsonNode chunk) {
        readIdsAndUsage(chunk);
        if (chunk.path("error").isObject()) {
            noteErrorEvent();
        }
        for (JsonNode choice : chunk.path("choices")) {
            appendContent(choice.path("delta").path("content"));
        }
    }

    @Override
    void readBody(JsonNode body) {
        readIdsAndUsage(body);
        for (JsonNode choice : body.path("choices")) {
            appendContent(choice.path("message").path("content"));
        }
    }

    /** Returns whether the chunk has {@code choices: []} and a non-null {@code usage}. */
    @Override
    boolean isUsageOnlyChunk(JsonNode chunk) {
        JsonNode choices = chunk.path("choices");
        return choices.isArray() && choices.isEmpty() && chunk.path("usage").isObject();
    }

    /**
     * Converts an OpenAI {@code usage} object. Cached and cache-write tokens are parts of
     * {@code prompt_tokens} and reasoning tokens part of {@code completion_tokens}, so they are
     * subtracted or kept as a subset, never added. Missing details count as 0.
     */
    static TokenUsage toTokenUsage(JsonNode usage) {
        long prompt = count(usage, "prompt_tokens");
        JsonNode promptDetails = usage.path("prompt_tokens_details");
        long cacheRead = promptDetails.has("cached_tokens")
                ? count(promptDetails, "cached_tokens")
                : count(usage, "prompt_cache_hit_tokens");
        long cacheWrite = count(promptDetails, "cache_write_tokens");
        long completion = count(usage, "completion_tokens");
        long reasoning = count(usage.path("completion_tokens_details"), "reasoning_tokens");
        long total = countOrAbsent(usage, "total_tokens");
        long output = completion;
        if (isReasoningOutsideCompletion(prompt, completion, reasoning, total)) {
            output = completion + reasoning;
        }
        // NOTE: a provider that reports more cached than prompt tokens is billed 0 uncached input.
        long inputUncached = Math.max(0, prompt - cacheRead - cacheWrite);
        return new TokenUsage(inputUncached, cacheRead, cacheWrite, output, reasoning, total);
    }

    /**
     * Returns whether the provider left reasoning tokens out of {@code completion_tokens} but
     * counted them in {@code total_tokens}, as xAI does for Grok reasoning models. OpenAI's own
     * totals equal prompt plus completion, so this is false for them.
     */
    private static boolean isReasoningOutsideCompletion(
            long prompt, long completion, long reasoning, long total) {
        return reasoning > 0 && total == prompt + completion + reasoning;
    }

    private void readIdsAndUsage(JsonNode node) {
        noteModel(node.path("model"));
        noteResponseId(node.path("id"));
        JsonNode usage = node.path("usage");
        if (!usage.isObject()) {
            usage = node.path("x_groq").path("usage");
        }
        if (usage.isObject()) {
            setUsage(toTokenUsage(usage));
        }
    }

    /** Appends message content given as a string or as a list of typed parts (Mistral). */
    private void appendContent(JsonNode content) {
        if (!content.isArray()) {
            appendText(content);
            return;
        }
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText())) {
                appendText(part.path("text"));
            }
        }
    }
}
