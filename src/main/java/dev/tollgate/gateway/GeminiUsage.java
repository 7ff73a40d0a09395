package dev.tollgate.gateway;

import dev.tollgate.billing.TokenUsage;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads Gemini {@code generateContent} bodies and {@code streamGenerateContent} streams. Each
 * stream event carries the usage of the whole response so far, and the counts may go down
 * between events ({@code promptTokenCount} does), so the last event's {@code usageMetadata}
 * replaces what came before: never a sum or a maximum. {@code promptTokenCount} includes
 * {@code cachedContentTokenCount}, and {@code thoughtsTokenCount} is billed as output on top of
 * {@code candidatesTokenCount}. Not thread-safe.
 */
final class GeminiUsage extends FormatReader {

    @Override
    void readEvent(String eventName, JsonNode response) {
        readResponse(response);
    }

    /**
     * Reads a body, which is one response object, or an array of them when
     * {@code streamGenerateContent} was called without {@code alt=sse}.
     */
    @Override
    void readBody(JsonNode body) {
        if (body.isArray()) {
            body.forEach(this::readResponse);
        } else {
            readResponse(body);
        }
    }

    /** Converts a Gemini {@code usageMetadata} object. */
    static TokenUsage toTokenUsage(JsonNode metadata) {
        long prompt = count(metadata, "promptTokenCount");
        long cached = count(metadata, "cachedContentTokenCount");
        // NOTE: tool-use prompt tokens are outside promptTokenCount but inside totalTokenCount.
        // Billing them as uncached input is a guess, because Google's price list is silent.
        long toolUsePrompt = count(metadata, "toolUsePromptTokenCount");
        long candidates = count(metadata, "candidatesTokenCount");
        long thoughts = count(metadata, "thoughtsTokenCount");
        long total = countOrAbsent(metadata, "totalTokenCount");
        long inputUncached = Math.max(0, prompt - cached) + toolUsePrompt;
        return new TokenUsage(inputUncached, cached, 0, candidates + thoughts, thoughts, total);
    }

    private void readResponse(JsonNode response) {
        noteModel(response.path("modelVersion"));
        noteResponseId(response.path("responseId"));
        JsonNode metadata = response.path("usageMetadata");
        if (metadata.isObject()) {
            setUsage(toTokenUsage(metadata));
        }
        for (JsonNode candidate : response.path("candidates")) {
            for (JsonNode part : candidate.path("content").path("parts")) {
                appendText(part.path("text"));
            }
        }
    }
}
