package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replays every recorded provider response through the real HTTP path: the fake provider
 * replies to a customer's forward request with the file, and the request record must show the
 * usage that {@code expected_usage.json} gives for it. Error files are served with the status
 * in their name, or as a 200 stream, and must be recorded as errors and charged nothing.
 * The recorded responses are read from the folder in {@code TOLLGATE_PROVIDER_FIXTURES}; the
 * suite's own payloads are replayed the same way.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class RecordedForwardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ERROR_STATUS = Pattern.compile("(?:^|/)error_(\\d{3})_");
    private static final String METER = "{\"name\":\"Replay\",\"rate_type\":\"fixed\","
            + "\"tier_type\":\"tokens_1m\",\"tiers\":[{\"start\":\"0\",\"rate\":\"2\"}]}";
    /** Expectations for recorded files that expected_usage.json leaves out. */
    private static final Map<String, String> EXTRA_EXPECTED = Map.of(
            // The last word ends at 2.479 s, billed as 3 s.
            "elevenlabs/speech_to_text.json", "{\"audio_seconds_billed\":3}");

    private static GatewayServer gateway;
    private static String token;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) {
        gateway = GatewayServer.start(database);
        GatewayServer.Subscriber customer = gateway.subscriber(METER, "1000.00", "1000.00",
                "+12025550170");
        token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        gateway.close();
    }

    @TestFactory
    Stream<DynamicTest> recordedResponsesMeteredThroughGateway() {
        return ExpectedUsage.sharedFixtures()
                .map(RecordedForwardTest::tests)
                .orElseGet(ExpectedUsage::skippedWithoutFixtures);
    }

    @TestFactory
    Stream<DynamicTest> ownPayloadsMeteredThroughGateway() {
        return tests(ExpectedUsage.OWN_PAYLOADS);
    }

    private static Stream<DynamicTest> tests(Path folder) {
        JsonNode entries = read(folder.resolve("expected_usage.json")).path("files");
        return files(folder).map(relative -> DynamicTest.dynamicTest(relative,
                () -> replay(folder, relative, expectation(entries, relative))));
    }

    private static JsonNode expectation(JsonNode entries, String relative) {
        if (entries.has(relative)) {
            return entries.get(relative);
        }
        if (EXTRA_EXPECTED.containsKey(relative)) {
            return parse(EXTRA_EXPECTED.get(relative));
        }
        assertThat(isErrorFile(relative))
                .as(relative + " has no expected_usage.json entry, so it must be an error file")
                .isTrue();
        return JSON.createObjectNode();
    }

    private static void replay(Path folder, String relative, JsonNode expected) {
        boolean stream = Replay.isStream(folder.resolve(relative))
                || relative.startsWith("openai/speech_");
        UpstreamCall call = UpstreamCall.forFixture(relative, stream);
        int status = status(relative, expected);
        byte[] served = serve(folder.resolve(relative), call, status, stream);

        HttpResponse<byte[]> response = call.send(gateway.api(), token);

        assertThat(response.statusCode()).as(relative + " status").isEqualTo(status);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).as(relative + " body")
                .isEqualTo(new String(served, StandardCharsets.UTF_8));
        JsonNode record = gateway.api().get(TestServer.SANDBOX_KEY, "/v1/requests/"
                + response.headers().firstValue("x-request-id").orElseThrow()).json();
        if (status >= 400 || isErrorFile(relative) || expected.has("record_status")) {
            assertError(relative, record);
        } else if (expected.has("usage") && expected.get("usage").isNull()) {
            assertThat(record.path("status").asText()).as(relative).isEqualTo("completed");
            assertThat(record.path("estimated").asBoolean()).as(relative + " estimated").isTrue();
        } else {
            assertUsage(relative, expected, record);
        }
    }

    /** Serves the file for the call's path and returns the bytes the client should receive. */
    private static byte[] serve(Path file, UpstreamCall call, int status, boolean stream) {
        byte[] bytes = stream ? streamBytes(file) : readBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        Reply reply = stream ? Reply.stream(List.of(text)) : Reply.json(status, text);
        gateway.provider().on(call.providerPath(), reply);
        return bytes;
    }

    /**
     * Returns the stream of a file. The OpenAI speech example is the data of the final event of
     * a speech stream, so it is framed as one event.
     */
    private static byte[] streamBytes(Path file) {
        if (file.getFileName().toString().startsWith("speech_")
                && file.getFileName().toString().endsWith(".json")) {
            String json = new String(readBytes(file), StandardCharsets.UTF_8);
            String data = json.replaceAll("\\s*\n\\s*", "");
            return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
        return Replay.streamBytes(file);
    }

    /** Returns whether the file is a recorded error: its name starts with {@code error_}. */
    private static boolean isErrorFile(String relative) {
        return relative.substring(relative.indexOf('/') + 1).startsWith("error_");
    }

    private static int status(String relative, JsonNode expected) {
        Matcher matcher = ERROR_STATUS.matcher(relative);
        if (matcher.find()) {
            return Integer.parseInt(matcher.group(1));
        }
        return expected.path("status").asInt(200);
    }

    private static void assertError(String file, JsonNode record) {
        assertThat(record.path("status").asText()).as(file + " record status").isEqualTo("error");
        assertThat(record.at("/charge/amount").asText()).as(file + " charge")
                .isEqualTo("0.0000000000");
        assertThat(record.at("/model_usage/total_tokens").asLong()).as(file + " tokens").isZero();
        assertThat(record.path("cost").asText()).as(file + " cost").isEqualTo("0.0000000000");
    }

    private static void assertUsage(String file, JsonNode expected, JsonNode record) {
        JsonNode usage = record.path("model_usage");
        assertThat(record.path("status").asText()).as(file + " status").isEqualTo("completed");
        assertThat(record.path("estimated").asBoolean()).as(file + " estimated").isFalse();
        assertCount(file, expected, "input_total", usage, "input_tokens");
        assertCount(file, expected, "output_total", usage, "output_tokens");
        assertCount(file, expected, "cache_read", usage, "cache_read_tokens");
        assertCount(file, expected, "cache_write", usage, "cache_write_tokens");
        assertCount(file, expected, "reasoning", usage, "reasoning_tokens");
        assertCount(file, expected, "provider_total", usage, "total_tokens");
        assertThat(usage.path("input_seconds").asLong()).as(file + " input_seconds")
                .isEqualTo(expected.path("audio_seconds_billed").asLong(0));
        long characters = file.startsWith("openai/speech_")
                ? UpstreamCall.SPEECH_INPUT.codePointCount(0, UpstreamCall.SPEECH_INPUT.length())
                : 0;
        assertThat(usage.path("input_characters").asLong()).as(file + " input_characters")
                .isEqualTo(characters);
        if (expected.has("provider_cost_usd")) {
            assertThat(new BigDecimal(record.path("cost").asText())).as(file + " cost")
                    .isEqualByComparingTo(expected.get("provider_cost_usd").decimalValue());
        }
        // The meter charges 2 per million tokens, whatever seconds or characters were used.
        BigDecimal charge = BigDecimal.valueOf(usage.path("total_tokens").asLong() * 2, 6);
        assertThat(new BigDecimal(record.at("/charge/amount").asText())).as(file + " charge")
                .isEqualByComparingTo(charge);
    }

    private static void assertCount(String file, JsonNode expected, String expectedField,
            JsonNode usage, String recordField) {
        if (expected.has(expectedField)) {
            assertThat(usage.path(recordField).asLong()).as(file + " " + recordField)
                    .isEqualTo(expected.get(expectedField).asLong());
        }
    }

    private static Stream<String> files(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(Files::isRegularFile)
                    .map(path -> ExpectedUsage.relative(folder, path))
                    .filter(relative -> relative.contains("/"))
                    .sorted()
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + folder + " failed", e);
        }
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file + " failed", e);
        }
    }

    private static JsonNode read(Path file) {
        return parse(new String(readBytes(file), StandardCharsets.UTF_8));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("parsing " + json + " failed", e);
        }
    }
}
