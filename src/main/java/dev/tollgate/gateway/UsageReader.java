package dev.tollgate.gateway;

import dev.tollgate.billing.TokenUsage;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads token usage, model, response id and generated text from one provider response while the
 * gateway relays it. Feed a stream event by event with {@link #acceptEvent}, or a complete JSON
 * body with {@link #acceptBody}, then read the results. Each format's rules for turning provider
 * counts into a {@link TokenUsage} are in one package-private class per format, such as
 * {@code AnthropicUsage}.
 *
 * <p>Input that is not valid JSON, such as {@code data: [DONE]} or a truncated event, is
 * skipped, because the gateway relays the bytes regardless. The methods throw only on a null
 * argument, whatever the response contains.
 *
 * <p>Not thread-safe: create one reader per response.
 */
public final class UsageReader {
    /**
     * Maximum length of {@link #outputText()} in UTF-16 chars: 1 Mi, an estimated 250,000 tokens
     * of English text at about 4 characters per token.
     */
    public static final int MAX_OUTPUT_TEXT_CHARS = 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResponseFormat format;
    private final FormatReader reader;
    private SseEvent lastEvent;
    private JsonNode lastEventData;

    private UsageReader(ResponseFormat format, FormatReader reader) {
        this.format = format;
        this.reader = reader;
    }

    /** Creates a reader for one response in {@code format}. */
    public static UsageReader forFormat(ResponseFormat format) {
        FormatReader reader = switch (Objects.requireNonNull(format, "format")) {
            case OPENAI_CHAT, OPENAI_EMBEDDINGS -> new OpenAiChatUsage();
            case OPENAI_RESPONSES -> new OpenAiResponsesUsage();
            case ANTHROPIC_MESSAGES -> new AnthropicUsage();
            case GEMINI -> new GeminiUsage();
        };
        return new UsageReader(format, reader);
    }

    /**
     * Creates a reader for a response to a path without a {@link ResponseFormat}, such as
     * {@code GET /v1/models}. It finds no usage, model, response id or text, so the gateway
     * estimates the usage from the request.
     */
    public static UsageReader withoutFormat() {
        // NOTE: a path that the provider does not bill, such as Anthropic's
        // /v1/messages/count_tokens, is still charged the estimated tokens of its request.
        return new UsageReader(null, new NoUsage());
    }

    /** Returns the format this reader was created for, or empty for {@link #withoutFormat()}. */
    public Optional<ResponseFormat> format() {
        return Optional.ofNullable(format);
    }

    /** Reads one event of a streamed response. An event without JSON data is skipped. */
    public void acceptEvent(SseEvent event) {
        JsonNode data = parsedData(event);
        if (data != null) {
            reader.readEvent(event.event(), data);
        }
    }

    /** Reads a complete non-streaming response body. A body that is not JSON is skipped. */
    public void acceptBody(byte[] json) {
        Objects.requireNonNull(json, "json");
        JsonNode body;
        try {
            body = JSON.readTree(json);
        } catch (IOException notJson) {
            // An error page or a truncated body carries no usage to read.
            return;
        }
        if (body != null) {
            reader.readBody(body);
        }
    }

    /**
     * Returns the usage reported so far, or empty when the provider reported none, as in an
     * OpenAI chat stream requested without {@code stream_options.include_usage}.
     */
    public Optional<TokenUsage> usage() {
        return Optional.ofNullable(reader.usage());
    }

    /** Returns the first non-blank model name in the response. */
    public Optional<String> model() {
        return Optional.ofNullable(reader.model());
    }

    /** Returns the provider's first non-blank id for the response, such as {@code chatcmpl-…}. */
    public Optional<String> responseId() {
        return Optional.ofNullable(reader.responseId());
    }

    /**
     * Returns the generated text seen so far, for estimating output tokens when no usage
     * arrives: OpenAI chat {@code content}, Anthropic {@code text_delta} and text blocks,
     * Responses {@code output_text}, and Gemini candidate part {@code text}. The text stops at
     * {@link #MAX_OUTPUT_TEXT_CHARS}.
     */
    public String outputText() {
        // NOTE: tool-call arguments and reasoning text are billed output but are not collected,
        // so an estimate from this text undercounts responses that contain them.
        return reader.outputText();
    }

    /** Returns whether {@link #outputText()} stopped at {@link #MAX_OUTPUT_TEXT_CHARS}. */
    public boolean isOutputTextTruncated() {
        return reader.isOutputTextTruncated();
    }

    /**
     * Returns whether {@code event} is an OpenAI chat chunk that carries only usage:
     * {@code choices: []} and a non-null {@code usage}. The gateway drops it when the client did
     * not request usage. Always false for other formats.
     */
    public boolean isUsageOnlyChunk(SseEvent event) {
        if (format != ResponseFormat.OPENAI_CHAT) {
            return false;
        }
        JsonNode data = parsedData(event);
        return data != null && reader.isUsageOnlyChunk(data);
    }

    /** Parses the event's data once, even when both public methods are called for it. */
    private JsonNode parsedData(SseEvent event) {
        Objects.requireNonNull(event, "event");
        if (event != lastEvent) {
            lastEventData = parse(event.data());
            lastEvent = event;
        }
        return lastEventData;
    }

    private static JsonNode parse(String data) {
        if (data == null || data.isBlank() || data.strip().equals("[DONE]")) {
            return null;
        }
        try {
            return JSON.readTree(data);
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    /** The part of a {@link #withoutFormat()} reader that reads nothing. */
    private static final class NoUsage extends FormatReader {
        @Override
        void readEvent(String eventName, JsonNode data) {
            // Without a format there is no usage, model or text to read.
        }

        @Override
        void readBody(JsonNode body) {
            // Without a format there is no usage, model or text to read.
        }
    }
}
