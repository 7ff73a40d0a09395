package dev.tollgate.gateway.simulator;

import static dev.tollgate.gateway.simulator.Exchanges.body;
import static dev.tollgate.gateway.simulator.Exchanges.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiAudioSimulatorTest {
    private static final String BOUNDARY = "----tollgate-test-boundary";

    private final Simulator simulator = Exchanges.simulator();

    /** Builds a multipart upload of {@code fileBytes} bytes with the given text fields. */
    static byte[] upload(int fileBytes, String... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\""
                    + fields[i] + "\"\r\n\r\n" + fields[i + 1] + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\";"
                + " filename=\"speech.mp3\"\r\nContent-Type: audio/mpeg\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        byte[] audio = new byte[fileBytes];
        Arrays.fill(audio, (byte) 0xFF);
        out.writeBytes(audio);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private SimulatedResponse post(String path, byte[] body) {
        return simulator.respond("api.openai.com", "POST", path, body);
    }

    @ParameterizedTest(name = "{0} bytes are {1} s")
    @CsvSource({
        // 16,000 bytes per second, rounded up, at least 1 second.
        "1, 1",
        "16000, 1",
        "16001, 2",
        "40000, 3",
        "160000, 10",
    })
    void transcriptionSecondsFollowUploadSize(int fileBytes, long seconds) {
        SimulatedResponse response = post("/v1/audio/transcriptions",
                upload(fileBytes, "model", "whisper-1"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).containsEntry("x-tollgate-simulated", "true");
        JsonNode body = json(response.body());
        assertThat(body.at("/usage/type").asText()).isEqualTo("duration");
        assertThat(body.at("/usage/seconds").asLong()).isEqualTo(seconds);
        assertThat(body.path("text").asText()).startsWith(ReplyText.OPENING);
    }

    @Test
    void verboseTranslationGivesDuration() {
        SimulatedResponse response = post("/v1/audio/translations",
                upload(40_000, "model", "whisper-1", "response_format", "verbose_json"));

        JsonNode body = json(response.body());
        assertThat(body.path("task").asText()).isEqualTo("translate");
        assertThat(body.path("duration").asLong()).isEqualTo(3);
        assertThat(body.at("/usage/seconds").asLong()).isEqualTo(3);
    }

    @Test
    void textFormatGetsBareText() {
        SimulatedResponse response = post("/v1/audio/transcriptions",
                upload(100, "model", "whisper-1", "response_format", "text"));

        assertThat(response.headers().get("content-type")).startsWith("text/plain");
        assertThat(new String(response.body(), StandardCharsets.UTF_8))
                .startsWith(ReplyText.OPENING).endsWith("\n");
    }

    @Test
    void transcriptionWithoutFileRejected() {
        byte[] noFile = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"model\""
                + "\r\n\r\nwhisper-1\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);

        SimulatedResponse response = post("/v1/audio/transcriptions", noFile);

        assertThat(response.status()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/param").asText()).isEqualTo("file");
    }

    @Test
    void transcriptionWithoutModelRejected() {
        SimulatedResponse response = post("/v1/audio/transcriptions", upload(10));

        assertThat(response.status()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/param").asText()).isEqualTo("model");
    }

    @Test
    void speechIsSilentWavOfInputLength() {
        // 12 code points ("héllo wörld!") x 80 samples = 960 samples after a 44-byte header.
        SimulatedResponse response = post("/v1/audio/speech",
                body("{'model':'tts-1','voice':'alloy','input':'héllo wörld!'}"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).containsEntry("content-type", "audio/wav");
        byte[] wav = response.body();
        assertThat(wav).hasSize(44 + 960);
        assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(new String(wav, 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WAVE");
        ByteBuffer header = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(header.getInt(4)).isEqualTo(36 + 960);
        assertThat(header.getInt(24)).isEqualTo(8_000);
        assertThat(header.getInt(40)).isEqualTo(960);
        assertThat(wav[44]).isEqualTo((byte) 0x80);
        assertThat(wav[wav.length - 1]).isEqualTo((byte) 0x80);
    }

    @Test
    void speechBytesAreReproducible() {
        byte[] request = body("{'model':'tts-1','voice':'alloy','input':'Same text'}");

        assertThat(post("/v1/audio/speech", request).body())
                .isEqualTo(post("/v1/audio/speech", request).body());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'model':'tts-1','voice':'alloy'} | input",
        "{'model':'tts-1','input':'Hi'} | voice",
        "{'voice':'alloy','input':'Hi'} | model",
        "{'model':'gpt-4o-mini-tts','voice':'alloy','input':'Hi','stream_format':'sse'}"
                + " | stream_format",
    })
    void invalidSpeechRejected(String request, String param) {
        SimulatedResponse response = post("/v1/audio/speech", body(request));

        assertThat(response.status()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/param").asText()).isEqualTo(param);
    }
}
