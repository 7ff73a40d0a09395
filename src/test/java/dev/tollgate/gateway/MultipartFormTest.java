package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartFormTest {
    private static final String BOUNDARY = "XyZ-boundary-42";
    private static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    /** Builds a body with a model field, a prompt field and an audio file of given bytes. */
    private static byte[] body(byte[] audio, String prompt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"model\""
                + "\r\n\r\nwhisper-1\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"prompt\""
                + "\r\n\r\n" + prompt + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\";"
                + " filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(audio);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] randomAudio(int size) {
        byte[] audio = new byte[size];
        new Random(11).nextBytes(audio);
        return audio;
    }

    @Test
    void fieldsAndFileSizeRead() {
        byte[] audio = randomAudio(5_000);

        MultipartForm form = MultipartForm.parse(body(audio, "Names: Zoë"), CONTENT_TYPE);

        assertThat(form.field("model")).contains("whisper-1");
        assertThat(form.field("prompt")).contains("Names: Zoë");
        assertThat(form.field("file")).isEmpty();
        assertThat(form.fileCount()).isEqualTo(1);
        assertThat(form.fileBytes()).isEqualTo(5_000);
    }

    @Test
    void boundaryInsideFileIgnored() {
        // A boundary that is not preceded by CRLF does not end the part.
        byte[] audio = ("--" + BOUNDARY + "--").getBytes(StandardCharsets.US_ASCII);

        MultipartForm form = MultipartForm.parse(body(audio, "p"), CONTENT_TYPE);

        assertThat(form.fileBytes()).isEqualTo(audio.length);
    }

    @Test
    void quotedBoundaryAccepted() {
        MultipartForm form = MultipartForm.parse(body(new byte[10], "p"),
                "multipart/form-data; boundary=\"" + BOUNDARY + "\"; charset=utf-8");

        assertThat(form.field("model")).contains("whisper-1");
        assertThat(form.fileBytes()).isEqualTo(10);
    }

    @Test
    void longFieldSkipped() {
        String prompt = "x".repeat(MultipartForm.MAX_FIELD_BYTES + 1);

        MultipartForm form = MultipartForm.parse(body(new byte[1], prompt), CONTENT_TYPE);

        assertThat(form.field("prompt")).isEmpty();
        assertThat(form.field("model")).contains("whisper-1");
    }

    @Test
    void boundaryFromFirstLine() {
        MultipartForm form = MultipartForm.parseWithoutContentType(body(new byte[300], "p"));

        assertThat(form.field("model")).contains("whisper-1");
        assertThat(form.fileBytes()).isEqualTo(300);
    }

    @Test
    void otherContentTypesGiveEmptyForm() {
        byte[] body = body(new byte[10], "p");

        assertThat(MultipartForm.parse(body, "application/json").fileCount()).isZero();
        assertThat(MultipartForm.parse(body, null).field("model")).isEmpty();
        assertThat(MultipartForm.parse(body, "multipart/form-data").fileCount()).isZero();
        assertThat(MultipartForm.parseWithoutContentType("{\"a\":1}".getBytes(
                StandardCharsets.UTF_8)).fileCount()).isZero();
    }

    @Test
    void truncatedBodiesNeverThrow() {
        byte[] whole = body(randomAudio(2_000), "prompt text");
        for (int length = 0; length <= whole.length; length++) {
            byte[] part = java.util.Arrays.copyOf(whole, length);
            assertThatCode(() -> MultipartForm.parse(part, CONTENT_TYPE))
                    .as("first %d bytes", length)
                    .doesNotThrowAnyException();
            assertThatCode(() -> MultipartForm.parseWithoutContentType(part))
                    .as("first %d bytes without content type", length)
                    .doesNotThrowAnyException();
        }
    }
}
