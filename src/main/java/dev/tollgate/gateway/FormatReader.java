package dev.tollgate.gateway;

import dev.tollgate.billing.TokenUsage;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The format-specific part of a {@link UsageReader}: each subclass reads the parsed JSON of one
 * response format and records usage, model, response id and generated text here. Not
 * thread-safe.
 */
abstract class FormatReader {
    /**
     * Largest count taken from a response, far above any real request, so that sums of counts
     * cannot overflow a {@code long}.
     */
    static final long MAX_TOKEN_COUNT = 1_000_000_000_000L;

    private final StringBuilder outputText = new StringBuilder();
    private boolean outputTextTruncated;
    private TokenUsage usage;
    private String model;
    private String responseId;

    /** Reads the parsed data of one stream event, whose {@code event:} field may be null. */
    abstract void readEvent(String eventName, JsonNode data);

    /** Reads a complete non-streaming response body. */
    abstract void readBody(JsonNode body);

    /** Returns whether the parsed event carries only usage, which only OpenAI chat streams send. */
    boolean isUsageOnlyChunk(JsonNode data) {
        return false;
    }

    final TokenUsage usage() {
        return usage;
    }

    final String model() {
        return model;
    }

    final String responseId() {
        return responseId;
    }

    final String outputText() {
        return outputText.toString();
    }

    final boolean isOutputTextTruncated() {
        return outputTextTruncated;
    }

    /** Replaces the usage read so far, because every format reports totals, not increments. */
    final void setUsage(TokenUsage newUsage) {
        usage = newUsage;
    }

    /** Keeps the first non-blank model name, since later chunks repeat it or leave it empty. */
    final void noteModel(JsonNode node) {
        if (model == null && isNonBlankText(node)) {
            model = node.asText();
        }
    }

    /** Keeps the first non-blank response id. */
    final void noteResponseId(JsonNode node) {
        if (responseId == null && isNonBlankText(node)) {
            responseId = node.asText();
        }
    }

    /** Appends {@code node} when it is a string, up to {@code MAX_OUTPUT_TEXT_CHARS} in all. */
    final void appendText(JsonNode node) {
        if (!node.isTextual()) {
            return;
        }
        String text = node.asText();
        int room = UsageReader.MAX_OUTPUT_TEXT_CHARS - outputText.length();
        if (text.length() > room) {
            outputText.append(text, 0, room);
            outputTextTruncated = true;
        } else {
            outputText.append(text);
        }
    }

    /**
     * Returns the count in {@code parent.field}, or 0 when it is missing or not a number. A
     * negative count reads as 0 and one past {@link #MAX_TOKEN_COUNT} as that maximum.
     */
    static long count(JsonNode parent, String field) {
        JsonNode node = parent.path(field);
        return node.isNumber() ? clamp(node.asLong()) : 0;
    }

    /** Returns the count in {@code parent.field} like {@link #count}, or -1 when it is absent. */
    static long countOrAbsent(JsonNode parent, String field) {
        JsonNode node = parent.path(field);
        return node.isNumber() ? clamp(node.asLong()) : -1;
    }

    private static long clamp(long value) {
        return Math.min(Math.max(0, value), MAX_TOKEN_COUNT);
    }

    private static boolean isNonBlankText(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank();
    }
}
