package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tollgate.testing.FakeProvider;
import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.GatewayOnBothDatabases;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Speech to text through the forward endpoint: the audio seconds a provider reports are rounded
 * up, rated per minute on {@code minutes} meters across tier boundaries, and priced per minute,
 * while the multipart upload reaches the provider byte for byte.
 */
class TranscriptionForwardTest extends GatewayOnBothDatabases {
    private static final String TRANSCRIPTION_URL =
            "https://api.openai.com/v1/audio/transcriptions";
    private static final String TRANSCRIPTION_PATH = "/v1/audio/transcriptions";
    private static final String HALF_PER_MINUTE = "[{\"start\":\"0\",\"rate\":\"0.5\"}]";
    /** The first minute is free, then 0.5 per minute. */
    private static final String FREE_MINUTE_THEN_HALF =
            "[{\"start\":\"0\",\"rate\":\"0\"},{\"start\":\"60\",\"rate\":\"0.5\"}]";

    private static MeteredCustomer customer(String rateType, String tiers, String credit) {
        return MeteredCustomer.create(gateway, "minutes", rateType, tiers, credit);
    }

    private static UpstreamCall whisper(int audioBytes) {
        return UpstreamCall.upload(TRANSCRIPTION_URL, UpstreamCall.audio(audioBytes),
                "model", "whisper-1");
    }

    private static void replyWithSeconds(String seconds) {
        gateway.provider().on(TRANSCRIPTION_PATH, Reply.json(200, "{\"text\":\"Hello.\","
                + "\"usage\":{\"type\":\"duration\",\"seconds\":" + seconds + "}}"));
    }

    @ParameterizedTest(name = "{1} s on {0} cost {2}")
    @CsvSource(delimiter = '|', value = {
        // 0.5 per minute: 90 s x 0.5 / 60 = 0.75.
        "half | 90 | 0.7500000000",
        // 120 s are two minutes: 1.00.
        "half | 120 | 1.0000000000",
        // 36.709999084472656 s bill as 37 s: 37 x 0.5 / 60 = 0.308333..., rounded half-even.
        "half | 36.709999084472656 | 0.3083333333",
        // A fraction of a second bills as one second: 0.5 / 60 = 0.0083333...
        "half | 0.2 | 0.0083333333",
        // First minute free: 60 s cost 0, the 61st second is charged, 90 s charge 30 s = 0.25.
        "free | 60 | 0.0000000000",
        "free | 61 | 0.0083333333",
        "free | 90 | 0.2500000000",
    })
    void minuteTiersRateTranscription(String tiers, String seconds, String charge) {
        MeteredCustomer customer = customer("fixed",
                tiers.equals("half") ? HALF_PER_MINUTE : FREE_MINUTE_THEN_HALF, "10.00");
        replyWithSeconds(seconds);

        HttpResponse<byte[]> response = customer.send(whisper(1_000));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode record = customer.record(response);
        long billed = new BigDecimal(seconds).setScale(0, RoundingMode.CEILING).longValueExact();
        assertThat(record.at("/model_usage/input_seconds").asLong()).isEqualTo(billed);
        assertThat(record.at("/model_usage/total_seconds").asLong()).isEqualTo(billed);
        assertThat(record.path("estimated").asBoolean()).isFalse();
        assertThat(record.at("/charge/amount").asText()).isEqualTo(charge);
    }

    @Test
    void runningTotalCrossesMinuteTier() {
        MeteredCustomer customer = customer("fixed", FREE_MINUTE_THEN_HALF, "10.00");

        replyWithSeconds("45");
        JsonNode first = customer.record(customer.send(whisper(1_000)));
        replyWithSeconds("45");
        JsonNode second = customer.record(customer.send(whisper(1_000)));

        // 45 s free; then 15 s free and 30 s x 0.5 / 60 = 0.25.
        assertThat(first.at("/charge/amount").asText()).isEqualTo("0.0000000000");
        assertThat(second.at("/charge/amount").asText()).isEqualTo("0.2500000000");
        JsonNode breakdown = second.at("/charge/breakdown");
        assertThat(breakdown).hasSize(2);
        assertThat(breakdown.at("/0/tier/type").asText()).isEqualTo("minutes");
        assertThat(breakdown.at("/0/seconds").asLong()).isEqualTo(15);
        assertThat(breakdown.at("/1/seconds").asLong()).isEqualTo(30);
        assertThat(breakdown.at("/1/characters").asLong()).isZero();
        assertThat(breakdown.at("/1/cost").asText()).isEqualTo("0.2500000000");
        assertThat(customer.remainingCredit()).isEqualTo("9.7500000000");
    }

    @Test
    void uploadReachesProviderUnchanged() {
        MeteredCustomer customer = customer("fixed", HALF_PER_MINUTE, "10.00");
        replyWithSeconds("3");
        UpstreamCall call = whisper(20_000);

        HttpResponse<byte[]> response = customer.send(call);

        assertThat(response.statusCode()).isEqualTo(200);
        FakeProvider.Received received = gateway.provider().received().getLast();
        assertThat(received.rawBody()).isEqualTo(call.body());
        assertThat(received.header("Content-Type")).isEqualTo(call.contentType());
        assertThat(customer.record(response).path("model").asText()).isEqualTo("whisper-1");
    }

    @Test
    void transcriptionCostUsesMinutePrice() {
        // whisper-1 costs 0.006 per minute: 90 s x 0.006 / 60 = 0.009. A 10 percent meter
        // charges 0.0009.
        MeteredCustomer customer = customer("percentage", "[{\"start\":\"0\",\"rate\":\"10\"}]",
                "10.00");
        replyWithSeconds("90");

        JsonNode record = customer.record(customer.send(whisper(1_000)));

        assertThat(record.path("cost").asText()).isEqualTo("0.0090000000");
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.0009000000");
    }

    @Test
    void secondsHoldFollowsUploadSize() {
        // 6 per minute is 0.1 per second and there is 0.50 of credit. The hold assumes 4,000
        // bytes a second: 40,000 bytes are 10 s (1.00, rejected), 8,000 bytes 2 s (0.20).
        MeteredCustomer customer = customer("fixed", "[{\"start\":\"0\",\"rate\":\"6\"}]", "0.50");
        replyWithSeconds("3");
        int before = gateway.provider().received().size();

        HttpResponse<byte[]> rejected = customer.send(whisper(40_000));
        HttpResponse<byte[]> admitted = customer.send(whisper(8_000));

        assertThat(rejected.statusCode()).isEqualTo(402);
        assertThat(new String(rejected.body(), StandardCharsets.UTF_8))
                .contains("insufficient_credit", "1.00");
        assertThat(admitted.statusCode()).isEqualTo(200);
        assertThat(gateway.provider().received()).hasSize(before + 1);
        // The provider reported 3 s, more than the 2 s held: 0.30 is charged in full.
        assertThat(customer.record(admitted).at("/charge/amount").asText())
                .isEqualTo("0.3000000000");
        assertThat(customer.remainingCredit()).isEqualTo("0.2000000000");
    }

    @Test
    void textTranscriptEstimatesSeconds() {
        MeteredCustomer customer = customer("fixed", HALF_PER_MINUTE, "10.00");
        gateway.provider().onBytes(TRANSCRIPTION_PATH, new FakeProvider.Bytes(200,
                "text/plain; charset=utf-8", "Hello.\n".getBytes(StandardCharsets.UTF_8),
                Map.of()));

        HttpResponse<byte[]> response = customer.send(UpstreamCall.upload(TRANSCRIPTION_URL,
                UpstreamCall.audio(12_000), "model", "whisper-1", "response_format", "text"));

        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("Hello.\n");
        JsonNode record = customer.record(response);
        // No usage in a text body: 12,000 bytes at 4,000 a second are 3 s, 3 x 0.5 / 60.
        assertThat(record.path("estimated").asBoolean()).isTrue();
        assertThat(record.at("/model_usage/input_seconds").asLong()).isEqualTo(3);
        assertThat(record.at("/model_usage/total_tokens").asLong()).isZero();
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.0250000000");
    }

    @Test
    void elevenLabsWordsGiveSeconds() {
        MeteredCustomer customer = customer("fixed", HALF_PER_MINUTE, "10.00");
        gateway.provider().on("/v1/speech-to-text", Reply.json(200, "{\"language_code\":\"eng\","
                + "\"text\":\"Hi there\",\"words\":[{\"text\":\"Hi\",\"start\":0.1,\"end\":0.4},"
                + "{\"text\":\"there\",\"start\":58.2,\"end\":59.01}]}"));

        JsonNode record = customer.record(customer.send(UpstreamCall.upload(
                "https://api.elevenlabs.io/v1/speech-to-text", UpstreamCall.audio(1_000),
                "model_id", "scribe_v1")));

        // The last word ends at 59.01 s, billed as 60 s: one minute at 0.5.
        assertThat(record.at("/model_usage/input_seconds").asLong()).isEqualTo(60);
        assertThat(record.path("model").asText()).isEqualTo("scribe_v1");
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.5000000000");
    }

    @Test
    void unmeteredAudioPathForwarded() {
        MeteredCustomer customer = customer("fixed", HALF_PER_MINUTE, "10.00");
        gateway.provider().on("/v1/audio/voices", Reply.json(200, "{\"voices\":[]}"));

        HttpResponse<byte[]> response = customer.send(UpstreamCall.json(
                "https://api.openai.com/v1/audio/voices", "{}"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"voices\":[]}");
        assertThat(customer.record(response).at("/charge/amount").asText())
                .isEqualTo("0.0000000000");
    }
}
