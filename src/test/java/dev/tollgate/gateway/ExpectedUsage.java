package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.billing.TokenUsage;
import dev.tollgate.billing.Usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * Checks {@link UsageReader} against a folder of recorded responses and its
 * {@code expected_usage.json}, which maps each file, by path relative to the folder, to the
 * normalized usage it must give: {@code input_uncached}, {@code cache_read},
 * {@code cache_write}, {@code output_total}, {@code reasoning} and, when the provider reports
 * one, {@code provider_total}. Audio entries give {@code audio_seconds_billed}, the whole
 * seconds billed, with or without tokens. An entry of {@code "usage": null} expects no usage.
 */
final class ExpectedUsage {
    /** The folder with this suite's own payloads, on the test class path. */
    static final Path OWN_PAYLOADS = ownPayloads();

    /** Name of the environment variable that points at a folder of recorded responses. */
    static final String FIXTURES_VARIABLE = "TOLLGATE_PROVIDER_FIXTURES";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** File path prefixes, relative to the folder, and the format of their responses. */
    private static final Map<String, ResponseFormat> FORMAT_BY_PREFIX = Map.ofEntries(
            Map.entry("openai/chat_", ResponseFormat.OPENAI_CHAT),
            Map.entry("openai/embeddings_", ResponseFormat.OPENAI_EMBEDDINGS),
            Map.entry("openai/responses_", ResponseFormat.OPENAI_RESPONSES),
            Map.entry("openai/transcription_", ResponseFormat.OPENAI_TRANSCRIPTION),
            Map.entry("openai/speech_", ResponseFormat.OPENAI_SPEECH),
            Map.entry("groq/chat_", ResponseFormat.OPENAI_CHAT),
            Map.entry("mistral/chat_", ResponseFormat.OPENAI_CHAT),
            Map.entry("mistral/transcription_", ResponseFormat.OPENAI_TRANSCRIPTION),
            Map.entry("openrouter/chat_", ResponseFormat.OPENAI_CHAT),
            Map.entry("anthropic/", ResponseFormat.ANTHROPIC_MESSAGES),
            Map.entry("gemini/", ResponseFormat.GEMINI),
            Map.entry("elevenlabs/speech_to_text", ResponseFormat.ELEVENLABS_TRANSCRIPTION));

    private ExpectedUsage() {
    }

    /** Returns the folder named by {@link #FIXTURES_VARIABLE}, or empty when it is not set. */
    static Optional<Path> sharedFixtures() {
        String folder = System.getenv(FIXTURES_VARIABLE);
        return folder == null || folder.isBlank() ? Optional.empty() : Optional.of(Path.of(folder));
    }

    /**
     * Returns a single test that is skipped, with a message naming {@link #FIXTURES_VARIABLE},
     * so that reports show the recorded responses were not checked.
     */
    static Stream<DynamicTest> skippedWithoutFixtures() {
        return Stream.of(DynamicTest.dynamicTest("recorded provider responses", () ->
                Assumptions.abort(FIXTURES_VARIABLE + " is not set, so the recorded provider"
                        + " responses are not replayed")));
    }

    /** Returns the format of a recorded response from its relative path, or empty if unknown. */
    static Optional<ResponseFormat> formatOf(String relativePath) {
        return FORMAT_BY_PREFIX.entrySet().stream()
                .filter(entry -> relativePath.startsWith(entry.getKey()))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** Returns one test per entry of the folder's {@code expected_usage.json}. */
    static Stream<DynamicTest> tests(Path folder) {
        return load(folder).entrySet().stream()
                .map(entry -> DynamicTest.dynamicTest(entry.getKey(),
                        () -> check(folder, entry.getKey(), entry.getValue())));
    }

    /** Returns the stream files under {@code folder} whose format UsageReader reads. */
    static Stream<Path> streamFiles(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Replay::isStream)
                    .filter(file -> formatOf(relative(folder, file)).isPresent())
                    .sorted()
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + folder + " failed", e);
        }
    }

    static String relative(Path folder, Path file) {
        return folder.relativize(file).toString().replace('\\', '/');
    }

    private static void check(Path folder, String relativePath, JsonNode expected) {
        ResponseFormat format = formatOf(relativePath).orElseThrow(() -> new AssertionError(
                relativePath + " has no known format; add its path prefix to FORMAT_BY_PREFIX"));
        boolean hasTokens = expected.has("input_uncached") || expected.has("usage");
        boolean hasSeconds = expected.has("audio_seconds_billed");
        assertThat(hasTokens || hasSeconds).as(relativePath + " entry has counts").isTrue();
        Replay.Result result = Replay.file(format, folder.resolve(relativePath));
        if (hasTokens) {
            assertUsage(relativePath, expected, result.usage());
        }
        if (hasSeconds) {
            assertThat(result.meteredUsage().map(Usage::inputSeconds))
                    .as(relativePath + " audio_seconds_billed")
                    .contains(expected.get("audio_seconds_billed").asLong());
        }
    }

    /**
     * Asserts that {@code actual} equals the normalized usage in {@code expected}. The
     * {@code file} name starts each failure message.
     */
    static void assertUsage(String file, JsonNode expected, Optional<TokenUsage> actual) {
        if (expected.has("usage") && expected.get("usage").isNull()) {
            assertThat(actual).as(file + " usage").isEmpty();
            return;
        }
        assertThat(actual).as(file + " usage").isPresent();
        TokenUsage usage = actual.get();
        assertThat(usage.inputUncached()).as(file + " input_uncached")
                .isEqualTo(count(expected, "input_uncached"));
        assertThat(usage.cacheRead()).as(file + " cache_read")
                .isEqualTo(count(expected, "cache_read"));
        assertThat(usage.cacheWrite()).as(file + " cache_write")
                .isEqualTo(count(expected, "cache_write"));
        assertThat(usage.output()).as(file + " output_total")
                .isEqualTo(count(expected, "output_total"));
        assertThat(usage.reasoning()).as(file + " reasoning")
                .isEqualTo(count(expected, "reasoning"));
        if (expected.has("input_total")) {
            assertThat(usage.inputTotal()).as(file + " input_total")
                    .isEqualTo(count(expected, "input_total"));
        }
        if (expected.has("provider_total")) {
            assertThat(usage.providerTotal()).as(file + " provider_total")
                    .isEqualTo(count(expected, "provider_total"));
        }
    }

    private static long count(JsonNode expected, String field) {
        assertThat(expected.has(field)).as("expected_usage.json entry has " + field).isTrue();
        return expected.get(field).asLong();
    }

    private static Map<String, JsonNode> load(Path folder) {
        Map<String, JsonNode> entries = new TreeMap<>();
        try {
            JsonNode root = JSON.readTree(folder.resolve("expected_usage.json").toFile());
            root.path("files").properties().forEach(e -> entries.put(e.getKey(), e.getValue()));
        } catch (IOException e) {
            String message = "reading expected_usage.json in " + folder + " failed";
            throw new UncheckedIOException(message, e);
        }
        return entries;
    }

    private static Path ownPayloads() {
        try {
            return Path.of(ExpectedUsage.class.getResource("/payloads").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("payloads folder has an invalid URI", e);
        }
    }
}
