package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads OpenAI text to speech ({@code /audio/speech}). The characters are those of the
 * request's {@code input}, counted as Unicode code points, which is what tts-1 and tts-1-hd are
 * billed by. The response is audio and carries no usage, except with
 * {@code stream_format: "sse"}, where gpt-4o-mini-tts reports tokens on its
 * {@code speech.audio.done} event. Not thread-safe.
 */
final class SpeechUsage extends FormatReader {

    @Override
    void readRequest(JsonNode body) {
        long characters = body == null ? -1 : characters(body.path("input"));
        if (characters >= 0) {
            setInputCharacters(characters);
        }
    }

    @Override
    void readEvent(String eventName, JsonNode event) {
        readUsage(event.path("usage"));
    }

    @Override
    void readBody(JsonNode body) {
        readUsage(body.path("usage"));
    }

    private void readUsage(JsonNode usage) {
        if (usage.isObject()) {
            setUsage(TranscriptionUsage.toTokenUsage(usage));
        }
    }
}
