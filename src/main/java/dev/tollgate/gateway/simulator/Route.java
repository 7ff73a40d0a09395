package dev.tollgate.gateway.simulator;

/**
 * The endpoint a request was sent to, plus the details its path adds.
 *
 * @param endpoint the provider operation
 * @param pathModel the model named in the path (Gemini), or empty when the body names it
 * @param serverSentEvents whether the query asked for {@code alt=sse} (Gemini streaming)
 */
record Route(Endpoint endpoint, String pathModel, boolean serverSentEvents) {
    /** A provider API operation that the simulator serves. */
    enum Endpoint {
        /** OpenAI chat completions, also served by OpenAI-compatible providers. */
        OPENAI_CHAT,
        /** OpenAI embeddings, also served by OpenAI-compatible providers. */
        OPENAI_EMBEDDINGS,
        /** The OpenAI Responses API. */
        OPENAI_RESPONSES,
        /** The Anthropic messages API. */
        ANTHROPIC_MESSAGES,
        /** Gemini {@code generateContent}. */
        GEMINI_GENERATE,
        /** Gemini {@code streamGenerateContent}, as events with {@code alt=sse}, else an array. */
        GEMINI_STREAM,
        /** OpenAI speech to text in the audio's language. */
        OPENAI_TRANSCRIPTION,
        /** OpenAI speech to English text. */
        OPENAI_TRANSLATION,
        /** OpenAI text to speech. */
        OPENAI_SPEECH
    }

    static Route of(Endpoint endpoint) {
        return new Route(endpoint, "", false);
    }
}
