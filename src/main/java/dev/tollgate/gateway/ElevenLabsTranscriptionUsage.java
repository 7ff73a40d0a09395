package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads ElevenLabs speech to text ({@code /v1/speech-to-text}). The response has no usage or
 * duration, so the seconds are the latest {@code end} of its {@code words}, rounded up: a last
 * word that ends at 2.479 s bills 3 s. With {@code use_multi_channel}, the words of every
 * channel under {@code transcripts} count, and the latest end of any channel is the length.
 * A response without word timings reports nothing. Not thread-safe.
 */
final class ElevenLabsTranscriptionUsage extends FormatReader {

    @Override
    void readEvent(String eventName, JsonNode event) {
        readBody(event);
    }

    @Override
    void readBody(JsonNode body) {
        noteResponseId(body.path("transcription_id"));
        readTranscript(body);
        for (JsonNode channel : body.path("transcripts")) {
            readTranscript(channel);
        }
    }

    private void readTranscript(JsonNode transcript) {
        appendText(transcript.path("text"));
        for (JsonNode word : transcript.path("words")) {
            long end = secondsRoundedUp(word.path("end"));
            if (end > inputSeconds()) {
                setInputSeconds(end);
            }
        }
    }
}
