package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.billing.TokenUsage;

/**
 * Reads speech-to-text results in OpenAI's shape ({@code /audio/transcriptions} and
 * {@code /audio/translations}), streamed or not, as OpenAI, Mistral and Groq return them.
 *
 * <p>Seconds: OpenAI's {@code usage} of type {@code duration} gives {@code seconds}, Mistral's
 * {@code usage.prompt_audio_seconds}, and a {@code verbose_json} body {@code duration}, which is
 * read only when the usage gives no seconds. Each is rounded up to whole seconds, so 36.71 s is
 * 37 s. Tokens: OpenAI's {@code usage} of type {@code tokens} gives {@code input_tokens}, of
 * which {@code input_token_details.audio_tokens} are the audio's, and {@code output_tokens}.
 * Mistral's {@code prompt_tokens} and {@code completion_tokens} are read as in chat. A stream
 * carries its usage on the {@code transcript.text.done} event. Bodies in the {@code text},
 * {@code srt} and {@code vtt} formats are not JSON and report nothing. Not thread-safe.
 */
final class TranscriptionUsage extends FormatReader {

    @Override
    void readEvent(String eventName, JsonNode event) {
        String type = event.path("type").asText(eventName == null ? "" : eventName);
        if ("transcript.text.delta".equals(type)) {
            appendText(event.path("delta"));
        }
        readUsage(event.path("usage"));
    }

    @Override
    void readBody(JsonNode body) {
        noteModel(body.path("model"));
        noteResponseId(body.path("id"));
        appendText(body.path("text"));
        readUsage(body.path("usage"));
        if (inputSeconds() < 0) {
            long duration = secondsRoundedUp(body.path("duration"));
            if (duration >= 0) {
                setInputSeconds(duration);
            }
        }
    }

    private void readUsage(JsonNode usage) {
        if (!usage.isObject()) {
            return;
        }
        long seconds = secondsRoundedUp(usage.path("seconds"));
        if (seconds < 0) {
            seconds = secondsRoundedUp(usage.path("prompt_audio_seconds"));
        }
        if (seconds >= 0) {
            setInputSeconds(seconds);
        }
        if (usage.has("prompt_tokens") || usage.has("completion_tokens")) {
            setUsage(OpenAiChatUsage.toTokenUsage(usage));
        } else if (usage.has("input_tokens") || usage.has("output_tokens")) {
            setUsage(toTokenUsage(usage));
        }
    }

    /** Converts a {@code usage} of type {@code tokens}; audio tokens are part of the input. */
    static TokenUsage toTokenUsage(JsonNode usage) {
        long input = count(usage, "input_tokens");
        long output = count(usage, "output_tokens");
        long total = countOrAbsent(usage, "total_tokens");
        return new TokenUsage(input, 0, 0, output, 0, total);
    }
}
