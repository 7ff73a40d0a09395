package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tollgate.testing.FakeProvider;
import dev.tollgate.testing.GatewayOnBothDatabases;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Text to speech through the forward endpoint: characters are counted from the request (OpenAI)
 * or the {@code x-character-count} header (ElevenLabs), rated on {@code characters_1m} meters
 * across tier boundaries, held before forwarding, and the audio reaches the client unchanged.
 */
class SpeechForwardTest extends GatewayOnBothDatabases {
    private static final String SPEECH_URL = "https://api.openai.com/v1/audio/speech";
    private static final String ELEVENLABS_URL =
            "https://api.elevenlabs.io/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb/stream";
    /** The first 250 characters are free, then 1,000 dollars per million: 0.001 each. */
    private static final String FREE_THEN_RATE =
            "[{\"start\":\"0\",\"rate\":\"0\"},{\"start\":\"250\",\"rate\":\"1000\"}]";
    private static final byte[] AUDIO = UpstreamCall.audio(3_000);

    private static MeteredCustomer customer(String rateType, String tiers, String credit) {
        return MeteredCustomer.create(gateway, "characters_1m", rateType, tiers, credit);
    }

    private static UpstreamCall speech(String model, String input) {
        return UpstreamCall.json(SPEECH_URL, "{\"model\":\"" + model + "\",\"voice\":\"alloy\","
                + "\"input\":\"" + input + "\"}");
    }

    private static void serveAudio(String path, Map<String, String> headers) {
        gateway.provider().onBytes(path, new FakeProvider.Bytes(200, "audio/mpeg", AUDIO,
                headers));
    }

    @ParameterizedTest(name = "{1} x \"{0}\" costs {2}")
    @CsvSource({
        // Tiers 0 -> free, 250 -> 1,000 per million characters (0.001 per character).
        "a, 250, 0.0000000000",
        // The 251st character is the first charged: 1 x 0.001.
        "a, 251, 0.0010000000",
        // 1,000 characters: 750 charged x 0.001 = 0.75.
        "a, 1000, 0.7500000000",
        // Characters are code points: é is 2 bytes in UTF-8, 🙂 is 2 chars in UTF-16.
        "é, 251, 0.0010000000",
        "🙂, 251, 0.0010000000",
    })
    void characterTiersRateSpeech(String character, int count, String charge) {
        MeteredCustomer customer = customer("fixed", FREE_THEN_RATE, "10.00");
        serveAudio("/v1/audio/speech", Map.of());

        HttpResponse<byte[]> response = customer.send(speech("tts-1", character.repeat(count)));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode record = customer.record(response);
        assertThat(record.at("/model_usage/input_characters").asLong()).isEqualTo(count);
        assertThat(record.at("/model_usage/total_characters").asLong()).isEqualTo(count);
        assertThat(record.at("/model_usage/total_tokens").asLong()).isZero();
        assertThat(record.path("estimated").asBoolean()).isFalse();
        assertThat(record.at("/charge/amount").asText()).isEqualTo(charge);
    }

    @Test
    void runningTotalCrossesCharacterTier() {
        MeteredCustomer customer = customer("fixed", FREE_THEN_RATE, "10.00");
        serveAudio("/v1/audio/speech", Map.of());

        JsonNode first = customer.record(customer.send(speech("tts-1", "a".repeat(200))));
        JsonNode second = customer.record(customer.send(speech("tts-1", "a".repeat(100))));

        // 200 free; then 50 free and 50 x 0.001 = 0.05.
        assertThat(first.at("/charge/amount").asText()).isEqualTo("0.0000000000");
        assertThat(second.at("/charge/amount").asText()).isEqualTo("0.0500000000");
        JsonNode breakdown = second.at("/charge/breakdown");
        assertThat(breakdown).hasSize(2);
        assertThat(breakdown.at("/0/tier/type").asText()).isEqualTo("characters_1m");
        assertThat(breakdown.at("/0/characters").asLong()).isEqualTo(50);
        assertThat(breakdown.at("/0/tokens").asLong()).isZero();
        assertThat(breakdown.at("/0/cost").asText()).isEqualTo("0.0000000000");
        assertThat(breakdown.at("/1/tier/start").asLong()).isEqualTo(250);
        assertThat(breakdown.at("/1/characters").asLong()).isEqualTo(50);
        assertThat(breakdown.at("/1/cost").asText()).isEqualTo("0.0500000000");
        assertThat(customer.remainingCredit()).isEqualTo("9.9500000000");
    }

    @Test
    void speechAudioPassesThroughUnchanged() {
        MeteredCustomer customer = customer("fixed", FREE_THEN_RATE, "10.00");
        serveAudio("/v1/audio/speech", Map.of());

        HttpResponse<byte[]> response = customer.send(speech("tts-1", "Hello"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(AUDIO);
        assertThat(response.headers().firstValue("content-type")).hasValue("audio/mpeg");
    }

    @Test
    void speechCostUsesCharacterPrice() {
        // tts-1 costs 15 dollars per million characters: 251 x 15 / 1,000,000 = 0.003765.
        // A 10 percent meter charges 0.0003765.
        MeteredCustomer customer = customer("percentage", "[{\"start\":\"0\",\"rate\":\"10\"}]",
                "10.00");
        serveAudio("/v1/audio/speech", Map.of());

        JsonNode record = customer.record(customer.send(speech("tts-1", "a".repeat(251))));

        assertThat(record.path("cost").asText()).isEqualTo("0.0037650000");
        assertThat(record.at("/model_usage/input_cost").asText()).isEqualTo("0.0037650000");
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.0003765000");
    }

    @Test
    void characterHoldRejectsShortCredit() {
        // 10,000 per million is 0.01 per character, and 0.01 of credit: one character fits,
        // two do not.
        MeteredCustomer customer = customer("fixed", "[{\"start\":\"0\",\"rate\":\"10000\"}]",
                "0.01");
        serveAudio("/v1/audio/speech", Map.of());
        int before = gateway.provider().received().size();

        HttpResponse<byte[]> rejected = customer.send(speech("tts-1", "ab"));
        HttpResponse<byte[]> admitted = customer.send(speech("tts-1", "a"));

        assertThat(rejected.statusCode()).isEqualTo(402);
        assertThat(new String(rejected.body())).contains("insufficient_credit", "0.02");
        assertThat(admitted.statusCode()).isEqualTo(200);
        assertThat(gateway.provider().received()).hasSize(before + 1);
        assertThat(customer.remainingCredit()).isEqualTo("0.0000000000");
    }

    @Test
    void elevenLabsHeaderCountsCharacters() {
        MeteredCustomer customer = customer("fixed", FREE_THEN_RATE, "10.00");
        serveAudio("/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb/stream",
                Map.of("x-character-count", "300", "request-id", "el-1"));

        HttpResponse<byte[]> response = customer.send(UpstreamCall.json(ELEVENLABS_URL,
                "{\"text\":\"Ten chars.\",\"model_id\":\"eleven_multilingual_v2\"}"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(AUDIO);
        assertThat(response.headers().firstValue("x-character-count")).hasValue("300");
        JsonNode record = customer.record(response);
        // ElevenLabs' count wins over the 10 characters sent: 50 charged x 0.001 = 0.05.
        assertThat(record.at("/model_usage/input_characters").asLong()).isEqualTo(300);
        assertThat(record.path("estimated").asBoolean()).isFalse();
        assertThat(record.path("model").asText()).isEqualTo("eleven_multilingual_v2");
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.0500000000");
    }

    @Test
    void elevenLabsWithoutHeaderEstimates() {
        MeteredCustomer customer = customer("fixed", "[{\"start\":\"0\",\"rate\":\"1000\"}]",
                "10.00");
        serveAudio("/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb/stream", Map.of());

        JsonNode record = customer.record(customer.send(UpstreamCall.json(ELEVENLABS_URL,
                "{\"text\":\"Ten chars.\",\"model_id\":\"eleven_multilingual_v2\"}")));

        // The request's 10 characters stand in: 10 x 0.001 = 0.01.
        assertThat(record.at("/model_usage/input_characters").asLong()).isEqualTo(10);
        assertThat(record.path("estimated").asBoolean()).isTrue();
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.0100000000");
    }

    @Test
    void unpricedModelRejectedByPercentageMeter() {
        MeteredCustomer customer = customer("percentage", "[{\"start\":\"0\",\"rate\":\"10\"}]",
                "10.00");

        HttpResponse<byte[]> response = customer.send(UpstreamCall.json(ELEVENLABS_URL,
                "{\"text\":\"Hi\",\"model_id\":\"eleven_multilingual_v2\"}"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new String(response.body())).contains("eleven_multilingual_v2", "no price");
    }

    @Test
    void speechErrorNotCharged() {
        MeteredCustomer customer = customer("fixed", "[{\"start\":\"0\",\"rate\":\"1000\"}]",
                "10.00");
        gateway.provider().on("/v1/audio/speech", FakeProvider.Reply.json(400,
                "{\"error\":{\"message\":\"Invalid voice\",\"type\":\"invalid_request_error\"}}"));

        HttpResponse<byte[]> response = customer.send(speech("tts-1", "Hello"));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode record = customer.record(response);
        assertThat(record.path("status").asText()).isEqualTo("error");
        assertThat(record.at("/model_usage/input_characters").asLong()).isZero();
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.0000000000");
        assertThat(customer.remainingCredit()).isEqualTo("10.0000000000");
    }
}
