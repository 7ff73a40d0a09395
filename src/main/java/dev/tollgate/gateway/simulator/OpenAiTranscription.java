package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.gateway.MultipartForm;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * Simulated OpenAI transcriptions and translations, from a {@code multipart/form-data} upload
 * with a {@code model} field and a {@code file}. The audio is never decoded: its length is the
 * file's size at {@link #SIMULATED_AUDIO_BYTES_PER_SECOND}, rounded up to whole seconds and at
 * least 1, so a 40,000-byte file is 3 seconds. Usage is of type {@code duration}, as whisper-1
 * reports it. {@code response_format} {@code json} (the default) and {@code verbose_json} get
 * JSON, {@code text} gets the bare text, and the subtitle formats get 400. The reply is never
 * streamed.
 */
final class OpenAiTranscription {
    /** Bytes per second of simulated audio: 16,000 bytes is 128 kbit/s, common for MP3. */
    static final long SIMULATED_AUDIO_BYTES_PER_SECOND = 16_000;

    private OpenAiTranscription() {
    }

    static SimulatedResponse respond(Call call, boolean translation) {
        try {
            return reply(call, translation);
        } catch (InvalidRequestException e) {
            return ErrorBodies.openAi(e);
        }
    }

    /** Returns the simulated length of an upload of {@code fileBytes} bytes. */
    static long seconds(long fileBytes) {
        return Math.max(1, Math.ceilDiv(fileBytes, SIMULATED_AUDIO_BYTES_PER_SECOND));
    }

    private static SimulatedResponse reply(Call call, boolean translation) {
        MultipartForm form = MultipartForm.parseWithoutContentType(call.body());
        String model = form.field("model").filter(value -> !value.isBlank()).orElseThrow(
                () -> InvalidRequestException.missing("model", "a form field such as whisper-1"));
        if (form.fileCount() == 0) {
            throw InvalidRequestException.missing("file", "the audio as a multipart file part");
        }
        String format = form.field("response_format").orElse("json");
        long seconds = seconds(form.fileBytes());
        String text = ReplyText.generate(call.seed(), model, OptionalInt.empty()).text();
        return switch (format) {
            case "json" -> SimulatedResponse.json(200, json(text, seconds));
            case "verbose_json" -> SimulatedResponse.json(200,
                    verboseJson(text, seconds, translation));
            case "text" -> SimulatedResponse.body("text/plain; charset=utf-8",
                    (text + "\n").getBytes(StandardCharsets.UTF_8));
            default -> throw InvalidRequestException.invalid("response_format",
                    "The simulator answers response_format json, verbose_json or text, not '"
                            + format + "'.");
        };
    }

    private static ObjectNode json(String text, long seconds) {
        ObjectNode body = Wire.object().put("text", text);
        body.set("usage", Wire.object().put("type", "duration").put("seconds", seconds));
        return body;
    }

    private static ObjectNode verboseJson(String text, long seconds, boolean translation) {
        ObjectNode body = Wire.object()
                .put("task", translation ? "translate" : "transcribe")
                .put("language", "english")
                .put("duration", seconds)
                .put("text", text);
        body.set("segments", Wire.array());
        body.set("usage", Wire.object().put("type", "duration").put("seconds", seconds));
        return body;
    }
}
