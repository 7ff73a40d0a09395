package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Reads ElevenLabs text to speech ({@code /v1/text-to-speech/{voice_id}} and its variants). The
 * body is audio, or JSON with base64 audio for {@code /with-timestamps}, and carries no usage:
 * the characters ElevenLabs bills are in the {@code x-character-count} response header. A
 * response without that header reports nothing, and the gateway then estimates the characters
 * from the request's {@code text}. Not thread-safe.
 */
final class ElevenLabsSpeechUsage extends FormatReader {
    static final String CHARACTER_COUNT_HEADER = "x-character-count";

    @Override
    void readHeaders(Map<String, List<String>> headers) {
        String value = Headers.first(headers, CHARACTER_COUNT_HEADER);
        if (value == null) {
            return;
        }
        try {
            setInputCharacters(Long.parseLong(value.strip()));
        } catch (NumberFormatException notACount) {
            // A malformed header is ignored like a missing one, and the count is estimated.
        }
    }

    @Override
    void readEvent(String eventName, JsonNode event) {
        // The variants stream audio bytes or JSON lines, never server-sent events with usage.
    }

    @Override
    void readBody(JsonNode body) {
        // The /with-timestamps JSON body has audio and alignment, and no usage.
    }
}
