package dev.tollgate.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.billing.TokenUsage;
import dev.tollgate.billing.Usage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AudioUsageReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static UsageReader body(ResponseFormat format, String json) {
        UsageReader reader = UsageReader.forFormat(format);
        reader.acceptBody(json.getBytes(UTF_8));
        return reader;
    }

    private static long seconds(UsageReader reader) {
        return reader.meteredUsage().orElseThrow().inputSeconds();
    }

    @ParameterizedTest(name = "{0} s is billed as {1} s")
    @CsvSource({
        // Durations round up to the started second, and whole seconds stay as they are.
        "36.709999084472656, 37",
        "36.0, 36",
        "36, 36",
        "0.001, 1",
        "2.0000000000000000001, 3",
        "0, 0",
        "-4.5, 0",
    })
    void verboseDurationRoundsUp(String duration, long billed) {
        UsageReader reader = body(ResponseFormat.OPENAI_TRANSCRIPTION,
                "{\"task\":\"transcribe\",\"duration\":" + duration + ",\"text\":\"Hi\"}");

        assertThat(seconds(reader)).isEqualTo(billed);
        assertThat(reader.usage()).isEmpty();
        assertThat(reader.outputText()).isEqualTo("Hi");
    }

    @Test
    void usageSecondsWinOverDuration() {
        UsageReader reader = body(ResponseFormat.OPENAI_TRANSCRIPTION, "{\"duration\":7.2,"
                + "\"text\":\"Hi\",\"usage\":{\"type\":\"duration\",\"seconds\":9}}");

        assertThat(seconds(reader)).isEqualTo(9);
    }

    @Test
    void tokenUsageTranscriptionHasNoSeconds() {
        UsageReader reader = body(ResponseFormat.OPENAI_TRANSCRIPTION, "{\"text\":\"Hi\","
                + "\"usage\":{\"type\":\"tokens\",\"input_tokens\":20,\"input_token_details\":"
                + "{\"text_tokens\":2,\"audio_tokens\":18},\"output_tokens\":30,"
                + "\"total_tokens\":50}}");

        Usage usage = reader.meteredUsage().orElseThrow();
        assertThat(usage.tokens()).isEqualTo(new TokenUsage(20, 0, 0, 30, 0, 50));
        assertThat(usage.inputSeconds()).isZero();
        assertThat(usage.inputCharacters()).isZero();
    }

    @Test
    void mistralGivesSecondsAndTokens() {
        UsageReader reader = body(ResponseFormat.OPENAI_TRANSCRIPTION, "{\"model\":"
                + "\"voxtral-mini-2507\",\"text\":\"Hi\",\"usage\":{\"prompt_audio_seconds\":7,"
                + "\"prompt_tokens\":5,\"completion_tokens\":20,\"total_tokens\":25}}");

        Usage usage = reader.meteredUsage().orElseThrow();
        assertThat(usage.inputSeconds()).isEqualTo(7);
        assertThat(usage.tokens()).isEqualTo(new TokenUsage(5, 0, 0, 20, 0, 25));
        assertThat(reader.model()).contains("voxtral-mini-2507");
    }

    @Test
    void plainTextTranscriptReportsNothing() {
        UsageReader reader = body(ResponseFormat.OPENAI_TRANSCRIPTION, "Hello there.");

        assertThat(reader.meteredUsage()).isEmpty();
    }

    @Test
    void speechCountsInputCodePoints() throws IOException {
        UsageReader reader = UsageReader.forFormat(ResponseFormat.OPENAI_SPEECH);
        // "Zoë 😀!" is 6 code points: Z, o, ë, space, the emoji (two UTF-16 chars) and "!".
        reader.acceptRequest(request("{\"model\":\"tts-1\",\"voice\":\"alloy\","
                + "\"input\":\"Zoë 😀!\"}"));

        Usage usage = reader.meteredUsage().orElseThrow();
        assertThat(usage.inputCharacters()).isEqualTo(6);
        assertThat(usage.tokens()).isEqualTo(TokenUsage.ZERO);
    }

    @Test
    void speechStreamAddsTokens() throws IOException {
        UsageReader reader = UsageReader.forFormat(ResponseFormat.OPENAI_SPEECH);
        reader.acceptRequest(request("{\"model\":\"gpt-4o-mini-tts\",\"input\":\"Hello\"}"));
        reader.acceptEvent(event("{\"type\":\"speech.audio.delta\",\"audio\":\"AAAA\"}"));
        reader.acceptEvent(event("{\"type\":\"speech.audio.done\",\"usage\":{\"input_tokens\""
                + ":14,\"output_tokens\":101,\"total_tokens\":115}}"));

        Usage usage = reader.meteredUsage().orElseThrow();
        assertThat(usage.inputCharacters()).isEqualTo(5);
        assertThat(usage.tokens()).isEqualTo(new TokenUsage(14, 0, 0, 101, 0, 115));
    }

    @Test
    void elevenLabsCharactersFromHeader() throws IOException {
        UsageReader reader = UsageReader.forFormat(ResponseFormat.ELEVENLABS_SPEECH);
        reader.acceptRequest(request("{\"text\":\"Hello\",\"model_id\":\"eleven_v3\"}"));
        reader.acceptHeaders(Map.of("X-Character-Count", List.of("42"),
                "request-id", List.of("r1")));

        assertThat(reader.meteredUsage().map(Usage::inputCharacters)).contains(42L);
    }

    @Test
    void elevenLabsWithoutHeaderReportsNothing() throws IOException {
        UsageReader reader = UsageReader.forFormat(ResponseFormat.ELEVENLABS_SPEECH);
        reader.acceptRequest(request("{\"text\":\"Hello\"}"));
        reader.acceptHeaders(Map.of("x-character-count", List.of("many")));

        assertThat(reader.meteredUsage()).isEmpty();
    }

    @Test
    void elevenLabsSecondsFromLatestWordEnd() {
        UsageReader reader = body(ResponseFormat.ELEVENLABS_TRANSCRIPTION, "{\"text\":\"a b\","
                + "\"words\":[{\"text\":\"a\",\"start\":0.1,\"end\":4.001},"
                + "{\"text\":\"b\",\"start\":0.2,\"end\":3.5}],\"transcription_id\":\"t1\"}");

        assertThat(seconds(reader)).isEqualTo(5);
        assertThat(reader.responseId()).contains("t1");
    }

    @Test
    void elevenLabsChannelsTakeLongest() {
        UsageReader reader = body(ResponseFormat.ELEVENLABS_TRANSCRIPTION, "{\"transcripts\":["
                + "{\"text\":\"a\",\"words\":[{\"text\":\"a\",\"end\":2.0}]},"
                + "{\"text\":\"b\",\"words\":[{\"text\":\"b\",\"end\":9.5}]}]}");

        assertThat(seconds(reader)).isEqualTo(10);
    }

    @Test
    void elevenLabsWithoutWordsReportsNothing() {
        UsageReader reader = body(ResponseFormat.ELEVENLABS_TRANSCRIPTION,
                "{\"text\":\"\",\"words\":[]}");

        assertThat(reader.meteredUsage()).isEmpty();
    }

    @Test
    void anthropicErrorEventNoted() {
        UsageReader reader = UsageReader.forFormat(ResponseFormat.ANTHROPIC_MESSAGES);
        reader.acceptEvent(new SseEvent(new byte[0], "error", "{\"type\":\"error\","
                + "\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", false));

        assertThat(reader.sawErrorEvent()).isTrue();
        assertThat(reader.meteredUsage()).isEmpty();
    }

    @Test
    void tokenFormatsReportTokensOnly() {
        UsageReader reader = body(ResponseFormat.OPENAI_CHAT, "{\"usage\":{\"prompt_tokens\":3,"
                + "\"completion_tokens\":1,\"total_tokens\":4}}");

        Optional<Usage> usage = reader.meteredUsage();
        assertThat(usage).map(Usage::tokens).contains(new TokenUsage(3, 0, 0, 1, 0, 4));
        assertThat(usage).map(Usage::characters).contains(0L);
        assertThat(usage).map(Usage::seconds).contains(0L);
    }

    private static JsonNode request(String json) throws IOException {
        return JSON.readTree(json);
    }

    private static SseEvent event(String data) {
        return new SseEvent(new byte[0], null, data, false);
    }
}
