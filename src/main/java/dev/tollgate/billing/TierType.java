package dev.tollgate.billing;

import dev.tollgate.core.WireEnum;

/** The usage unit a meter counts, and the quantity its fixed rates are quoted per. */
public enum TierType implements WireEnum {
    /** Input plus output tokens, rate per million. */
    TOKENS_1M("tokens_1m"),
    /** Input plus output characters, rate per million. */
    CHARACTERS_1M("characters_1m"),
    /** Audio seconds, rate per minute. */
    MINUTES("minutes"),
    /** One per request, rate per request. */
    REQUESTS("requests");

    private final String code;

    TierType(String code) {
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }
}
