package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.billing.TokenUsage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * The format-specific part of a {@link UsageReader}: each subclass reads the parsed JSON of one
 * response format, and where the format needs them the request body and the response headers,
 * and records usage, model, response id and generated text here. Characters and seconds are -1
 * until the format reports them. Not thread-safe.
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
    private long inputCharacters = -1;
    private long inputSeconds = -1;
    private boolean errorEvent;
    private boolean usageUnreadable;
    private String model;
    private String responseId;

    /** Reads the parsed data of one stream event, whose {@code event:} field may be null. */
    abstract void readEvent(String eventName, JsonNode data);

    /** Reads a complete non-streaming response body. */
    abstract void readBody(JsonNode body);

    /** Reads the parsed JSON request body, which is null when the body is not JSON. */
    void readRequest(JsonNode body) {
    }

    /** Reads the provider's response headers, before the body. */
    void readHeaders(Map<String, List<String>> headers) {
    }

    /** Returns whether the parsed event carries only usage, which only OpenAI chat streams send. */
    boolean isUsageOnlyChunk(JsonNode data) {
        return false;
    }

    final TokenUsage usage() {
        return usage;
    }

    final long inputCharacters() {
        return inputCharacters;
    }

    final long inputSeconds() {
        return inputSeconds;
    }

    final boolean sawErrorEvent() {
        return errorEvent;
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

    /**
     * Replaces the usage read so far, because every format reports totals, not increments.
     * Ignored once a count could not be read, so that the request's usage is estimated.
     */
    final void setUsage(TokenUsage newUsage) {
        if (!usageUnreadable) {
            usage = newUsage;
        }
    }

    /**
     * Discards the usage read so far and ignores later counts, because the response reported a
     * count that is not a number, such as {@code "prompt_tokens": "100"}.
     */
    final void markUsageUnreadable() {
        usageUnreadable = true;
        usage = null;
        inputCharacters = -1;
        inputSeconds = -1;
    }

    final boolean isUsageUnreadable() {
        return usageUnreadable;
    }

    /** Replaces the input characters read so far, unless the usage was unreadable. */
    final void setInputCharacters(long characters) {
        if (!usageUnreadable) {
            inputCharacters = Math.min(Math.max(0, characters), MAX_TOKEN_COUNT);
        }
    }

    /** Replaces the input seconds read so far, unless the usage was unreadable. */
    final void setInputSeconds(long seconds) {
        if (!usageUnreadable) {
            inputSeconds = Math.min(Math.max(0, seconds), MAX_TOKEN_COUNT);
        }
    }

    /** Notes a stream event that reports a provider error, such as Anthropic's {@code error}. */
    final void noteErrorEvent() {
        errorEvent = true;
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
     * Returns the count in {@code parent.field}, or 0 when it is missing or null. A fraction is
     * rounded up and one past {@link #MAX_TOKEN_COUNT} reads as that maximum.
     *
     * @throws UnreadableCountException when the field is present but not a number, or negative
     */
    static long count(JsonNode parent, String field) {
        JsonNode node = parent.path(field);
        return node.isMissingNode() || node.isNull() ? 0 : readCount(node, field);
    }

    /** Returns the count in {@code parent.field} like {@link #count}, or -1 when it is absent. */
    static long countOrAbsent(JsonNode parent, String field) {
        JsonNode node = parent.path(field);
        return node.isMissingNode() || node.isNull() ? -1 : readCount(node, field);
    }

    private static long readCount(JsonNode node, String field) {
        // A negative count is as meaningless as text, and reading it as 0 would make the
        // request free, so both make the reported usage unreadable and the request estimated.
        if (!node.isNumber() || node.decimalValue().signum() < 0) {
            throw new UnreadableCountException(field);
        }
        BigDecimal value = node.decimalValue().setScale(0, RoundingMode.CEILING);
        if (value.signum() == 0) {
            return 0;
        }
        return value.compareTo(BigDecimal.valueOf(MAX_TOKEN_COUNT)) > 0 ? MAX_TOKEN_COUNT
                : value.longValueExact();
    }

    /** A usage count that is present but not a JSON number, or negative. */
    static final class UnreadableCountException extends RuntimeException {
        UnreadableCountException(String field) {
            super("usage field '" + field + "' is not a number of at least 0", null, false,
                    false);
        }
    }

    /**
     * Returns a duration in seconds, such as {@code 36.709999084472656}, rounded up to whole
     * seconds (37), or -1 when {@code node} is not a number. The decimal is read exactly, so a
     * whole number of seconds is never rounded up by a binary fraction.
     */
    static long secondsRoundedUp(JsonNode node) {
        if (!node.isNumber()) {
            return -1;
        }
        BigDecimal seconds = node.decimalValue().setScale(0, RoundingMode.CEILING);
        if (seconds.signum() <= 0) {
            return 0;
        }
        BigDecimal max = BigDecimal.valueOf(MAX_TOKEN_COUNT);
        return seconds.compareTo(max) > 0 ? MAX_TOKEN_COUNT : seconds.longValueExact();
    }

    /** Returns the number of Unicode code points of a JSON string, or -1 when it is not one. */
    static long characters(JsonNode node) {
        return node.isTextual() ? node.textValue().codePointCount(0, node.textValue().length())
                : -1;
    }

    private static boolean isNonBlankText(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank();
    }
}
