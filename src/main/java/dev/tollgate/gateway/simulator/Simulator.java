package dev.tollgate.gateway.simulator;

import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds provider API responses without calling the provider, for sandbox traffic to a provider
 * that has no API key configured, so the whole billing flow can run offline.
 *
 * <p>Served: OpenAI chat completions and embeddings on api.openai.com and on the
 * OpenAI-compatible hosts of the SDK's provider list (such as
 * {@code api.groq.com/openai/v1/chat/completions}), the OpenAI Responses API, OpenAI audio
 * transcriptions, translations and speech, Anthropic messages, and Gemini
 * {@code generateContent} and {@code streamGenerateContent}. Every text endpoint except
 * embeddings can stream, and the audio endpoints do not. Bodies follow each provider's own
 * response shape, streams its own server-sent events, and invalid requests get 400 in the
 * provider's own error shape. Transcriptions are billed by a length computed from the upload's
 * size and speech by the characters of its input, as {@code OpenAiTranscription} and
 * {@code OpenAiSpeech} describe.
 *
 * <p>The reply text is a short English message stating that it is simulated. It depends only on
 * the request body, so the same body always gets the same text. Usage reports real token counts
 * from {@link dev.tollgate.gateway.TokenCounter}. Creation times come from the clock, and
 * response ids from a hash of the body and a per-instance counter, so they are unique within one
 * simulator and reproducible with a fresh one.
 *
 * <p>Thread-safe.
 */
public final class Simulator {
    private final Clock clock;
    private final AtomicLong replyCount = new AtomicLong();

    /** Creates a simulator that stamps replies with the time of {@code clock}. */
    public Simulator(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Returns whether the simulator serves a request.
     *
     * @param host the provider host, such as {@code api.openai.com}, compared without case or port
     * @param method the HTTP method, of which only POST is served
     * @param path the path with an optional query, such as {@code /v1/chat/completions}
     * @return true when {@link #respond} can build a response, false when any argument is null
     */
    public boolean supports(String host, String method, String path) {
        return Routes.match(host, method, path).isPresent();
    }

    /**
     * Builds the simulated provider response to a request.
     *
     * @param host the provider host, as for {@link #supports}
     * @param method the HTTP method, as for {@link #supports}
     * @param path the path with an optional query, as for {@link #supports}
     * @param requestBody the raw request body, where null counts as empty
     * @return 200 with a body or an event stream, or 400 in the provider's error shape when the
     *     body is not JSON or lacks a required field
     * @throws IllegalArgumentException when {@link #supports} returns false for the request
     */
    public SimulatedResponse respond(String host, String method, String path, byte[] requestBody) {
        Route route = Routes.match(host, method, path).orElseThrow(
                () -> new IllegalArgumentException("The simulator does not serve " + method + " "
                        + host + path + ". Check supports() before calling respond()."));
        byte[] body = requestBody == null ? new byte[0] : requestBody;
        long seed = Seeds.of(body);
        long replyNumber = replyCount.incrementAndGet();
        String idSuffix = HexFormat.of().toHexDigits(seed)
                + HexFormat.of().toHexDigits((int) replyNumber);
        Call call = new Call(route, body, seed, idSuffix, clock.instant().getEpochSecond());

        return switch (route.endpoint()) {
            case OPENAI_CHAT -> OpenAiChat.respond(call);
            case OPENAI_EMBEDDINGS -> OpenAiEmbeddings.respond(call);
            case OPENAI_RESPONSES -> OpenAiResponses.respond(call);
            case ANTHROPIC_MESSAGES -> AnthropicMessages.respond(call);
            case GEMINI_GENERATE, GEMINI_STREAM -> GeminiContent.respond(call);
            case OPENAI_TRANSCRIPTION -> OpenAiTranscription.respond(call, false);
            case OPENAI_TRANSLATION -> OpenAiTranscription.respond(call, true);
            case OPENAI_SPEECH -> OpenAiSpeech.respond(call);
        };
    }
}
