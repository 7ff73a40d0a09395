package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Simulated OpenAI text to speech: a silent WAV file whose length follows the request's
 * {@code input}, {@link #SAMPLES_PER_CHARACTER} samples of 8-bit mono audio at
 * {@link #SAMPLE_RATE_HZ} per code point, so 100 characters are one second and 8,044 bytes. The
 * same input always gives the same bytes. Every {@code response_format} gets WAV, and
 * {@code stream_format: "sse"} gets 400, because the simulator streams no audio events.
 */
final class OpenAiSpeech {
    static final int SAMPLE_RATE_HZ = 8_000;
    static final int SAMPLES_PER_CHARACTER = 80;
    /** The input limit of OpenAI's speech endpoint, in characters. */
    static final int MAX_INPUT_CHARACTERS = 4_096;

    private static final int HEADER_BYTES = 44;
    private static final byte SILENCE = (byte) 0x80;

    private OpenAiSpeech() {
    }

    static SimulatedResponse respond(Call call) {
        try {
            return reply(call);
        } catch (InvalidRequestException e) {
            return ErrorBodies.openAi(e);
        }
    }

    private static SimulatedResponse reply(Call call) {
        JsonNode body = RequestFields.parseObject(call.body());
        RequestFields.model(body);
        String input = text(body, "input", "the text to speak");
        text(body, "voice", "a voice such as alloy");
        if ("sse".equals(body.path("stream_format").asText())) {
            throw InvalidRequestException.invalid("stream_format",
                    "The simulator answers stream_format 'audio' only; remove 'sse'.");
        }
        int characters = input.codePointCount(0, input.length());
        if (characters > MAX_INPUT_CHARACTERS) {
            throw InvalidRequestException.invalid("input", "'input' has " + characters
                    + " characters; the maximum is " + MAX_INPUT_CHARACTERS + ".");
        }
        return SimulatedResponse.body("audio/wav", silentWav(characters * SAMPLES_PER_CHARACTER));
    }

    private static String text(JsonNode body, String field, String expected) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            throw InvalidRequestException.missing(field, expected);
        }
        if (!value.isTextual() || value.textValue().isEmpty()) {
            throw InvalidRequestException.invalid(field, "'" + field
                    + "' must be a non-empty string.");
        }
        return value.textValue();
    }

    /** Returns a RIFF WAVE file of {@code samples} silent 8-bit mono PCM samples. */
    static byte[] silentWav(int samples) {
        ByteBuffer wav = ByteBuffer.allocate(HEADER_BYTES + samples)
                .order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples);
        wav.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
        wav.putShort((short) 1).putShort((short) 1);
        wav.putInt(SAMPLE_RATE_HZ).putInt(SAMPLE_RATE_HZ);
        wav.putShort((short) 1).putShort((short) 8);
        wav.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples);
        byte[] bytes = wav.array();
        Arrays.fill(bytes, HEADER_BYTES, bytes.length, SILENCE);
        return bytes;
    }
}
