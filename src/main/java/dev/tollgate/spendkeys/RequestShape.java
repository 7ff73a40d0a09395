package dev.tollgate.spendkeys;

import dev.tollgate.core.WireEnum;

/** The API format a spend key's requests use, which fixes the endpoint they go to. */
public enum RequestShape implements WireEnum {
    /** OpenAI chat completions on {@code POST /v1/chat/completions}. */
    OPENAI("openai", "POST /v1/chat/completions"),
    /** Anthropic messages on {@code POST /v1/messages}. */
    ANTHROPIC("anthropic", "POST /v1/messages");

    private final String code;
    private final String endpoint;

    RequestShape(String code, String endpoint) {
        this.code = code;
        this.endpoint = endpoint;
    }

    @Override
    public String code() {
        return code;
    }

    /** The Tollgate endpoint that accepts this shape, such as {@code POST /v1/messages}. */
    public String endpoint() {
        return endpoint;
    }
}
