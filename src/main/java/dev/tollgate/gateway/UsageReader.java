package dev.tollgate.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.TokenUsage;
import dev.tollgate.billing.Usage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads usage, model, response id and generated text from one provider response while the
 * gateway relays it. Give it the request with {@link #acceptRequest} and the response headers
 * with {@link #acceptHeaders}, then feed a stream event by event with {@link #acceptEvent}, or a
 * complete JSON body with {@link #acceptBody}, and read the results. Each format's rules for
 * turning provider counts into a {@link TokenUsage}, characters or seconds are in one
 * package-private class per format, such as {@code AnthropicUsage}.
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

    /** Reads decimals exactly, so that audio durations are rounded up from the exact value. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** The fields that carry usage counts in the formats read here. */
    private static final List<String> USAGE_FIELDS = List.of("usage", "usageMetadata", "x_groq");

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
            case OPENAI_TRANSCRIPTION -> new TranscriptionUsage();
            case OPENAI_SPEECH -> new SpeechUsage();
            case ELEVENLABS_SPEECH -> new ElevenLabsSpeechUsage();
            case ELEVENLABS_TRANSCRIPTION -> new ElevenLabsTranscriptionUsage();
        };
        return new UsageReader(format, reader);
    }

    /**
     * Creates a reader for a response whose path has no known format, such as a model list. It
     * reads no usage, so the gateway estimates the request as for a response without usage.
     */
    public static UsageReader none() {
        // NOTE: a path that the provider does not bill, such as Anthropic's
        // /v1/messages/count_tokens, is still charged the estimated tokens of its request.
        return new UsageReader(null, new NoUsage());
    }

    /** Returns the format this reader was created for, or null for {@link #none()}. */
    public ResponseFormat format() {
        return format;
    }

    /**
     * Reads the request body as parsed for forwarding, which is null when it is not JSON, such
     * as a multipart upload. Text-to-speech formats count the characters to synthesize here.
     */
    public void acceptRequest(JsonNode body) {
        reader.readRequest(body);
    }

    /** Reads the provider's response headers, such as ElevenLabs' {@code x-character-count}. */
    public void acceptHeaders(Map<String, List<String>> headers) {
        reader.readHeaders(Objects.requireNonNull(headers, "headers"));
    }

    /** Reads one event of a streamed response. An event without JSON data is skipped. */
    public void acceptEvent(SseEvent event) {
        JsonNode data = parsedData(event);
        if (data != null) {
            try {
                reader.readEvent(event.event(), data);
            } catch (FormatReader.UnreadableCountException e) {
                reader.markUsageUnreadable();
                reader.readEvent(event.event(), withoutUsage(data));
            }
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
            try {
                reader.readBody(body);
            } catch (FormatReader.UnreadableCountException e) {
                reader.markUsageUnreadable();
                reader.readBody(withoutUsage(body));
            }
        }
    }

    /**
     * Returns a copy of {@code node} without its usage objects, so that a reader can still take
     * the model, response id and text from a response whose usage it could not read.
     */
    private static JsonNode withoutUsage(JsonNode node) {
        JsonNode copy = node.deepCopy();
        removeUsage(copy);
        return copy;
    }

    private static void removeUsage(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(USAGE_FIELDS);
        }
        for (JsonNode child : node) {
            removeUsage(child);
        }
    }

    /**
     * Returns the usage reported so far, or empty when the provider reported none, as in an
     * OpenAI chat stream requested without {@code stream_options.include_usage}.
     */
    public Optional<TokenUsage> usage() {
        return Optional.ofNullable(reader.usage());
    }

    /**
     * Returns the tokens, characters and seconds reported so far, or empty when the response
     * reported none of them or reported a count that is not a number. Units the format does not
     * report are 0.
     */
    public Optional<Usage> meteredUsage() {
        TokenUsage tokens = reader.usage();
        long characters = reader.inputCharacters();
        long seconds = reader.inputSeconds();
        if (tokens == null && characters < 0 && seconds < 0) {
            return Optional.empty();
        }
        return Optional.of(new Usage(tokens == null ? TokenUsage.ZERO : tokens,
                Math.max(0, characters), 0, Math.max(0, seconds), 0));
    }

    /**
     * Returns whether a stream event reported a provider error, such as Anthropic's
     * {@code error} event or an OpenAI chat chunk with an {@code error} object.
     */
    public boolean sawErrorEvent() {
        return reader.sawErrorEvent();
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

    /** The part of a {@link #none()} reader that reads nothing. */
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
