package dev.tollgate.gateway.simulator;

/**
 * The endpoint a request was sent to.
 *
 * @param endpoint the provider operation
 */
record Route(Endpoint endpoint) {
    /** A provider API operation that the simulator serves. */
    enum Endpoint {
        /** OpenAI chat completions, also served by OpenAI-compatible providers. */
        OPENAI_CHAT,
        /** OpenAI embeddings, also served by OpenAI-compatible providers. */
        OPENAI_EMBEDDINGS,
        /** The OpenAI Responses API. */
        OPENAI_RESPONSES,
        /** The Anthropic messages API. */
        ANTHROPIC_MESSAGES
    }

    static Route of(Endpoint endpoint) {
        return new Route(endpoint);
    }
}
