package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The characters and audio seconds a request is expected to use, read from the request before
 * it is forwarded. Admission holds credit for them, and when a response reports nothing they
 * stand in for the usage, marked as estimated.
 *
 * <p>Characters are exact for text to speech: the code points of OpenAI's {@code input} or
 * ElevenLabs' {@code text}, which is what those providers bill. Seconds are an estimate, because
 * the audio's length is known only once the provider has decoded it: the uploaded file bytes at
 * {@link #ASSUMED_AUDIO_BYTES_PER_SECOND}, rounded up, or {@link #DEFAULT_AUDIO_SECONDS} when
 * the request uploads no file, as with a file URL.
 */
record UnitEstimate(long characters, long seconds) {
    /**
     * Bytes of audio assumed per second: 4,000 bytes is 32 kbit/s. NOTE: compressed speech at a
     * lower bit rate, such as Opus at 24 kbit/s, is longer than this estimate.
     */
    static final long ASSUMED_AUDIO_BYTES_PER_SECOND = 4_000;
    /** Seconds assumed for a transcription without an uploaded file: 10 minutes, a guess. */
    static final long DEFAULT_AUDIO_SECONDS = 600;

    static final UnitEstimate NONE = new UnitEstimate(0, 0);

    /** Estimates the units of a request in {@code format}; null formats use none. */
    static UnitEstimate of(ResponseFormat format, JsonNode json, MultipartForm form) {
        if (format == null) {
            return NONE;
        }
        return switch (format) {
            case OPENAI_SPEECH -> new UnitEstimate(characters(json, "input"), 0);
            case ELEVENLABS_SPEECH -> new UnitEstimate(characters(json, "text"), 0);
            case OPENAI_TRANSCRIPTION, ELEVENLABS_TRANSCRIPTION -> new UnitEstimate(0,
                    audioSeconds(form));
            default -> NONE;
        };
    }

    private static long characters(JsonNode json, String field) {
        return json == null ? 0 : Math.max(0, FormatReader.characters(json.path(field)));
    }

    private static long audioSeconds(MultipartForm form) {
        if (form.fileCount() == 0) {
            return DEFAULT_AUDIO_SECONDS;
        }
        long bytes = form.fileBytes();
        return Math.max(1, Math.ceilDiv(bytes, ASSUMED_AUDIO_BYTES_PER_SECOND));
    }
}
