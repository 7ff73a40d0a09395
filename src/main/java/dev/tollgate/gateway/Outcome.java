package dev.tollgate.gateway;

import dev.tollgate.billing.TokenUsage;

/**
 * How a forwarded request ended: the upstream status, the usage (reported by the provider, or
 * estimated with a tokenizer when it reported none), the model and response id it named.
 */
public record Outcome(
        int upstreamStatus,
        TokenUsage usage,
        boolean estimated,
        String model,
        String responseId,
        boolean simulated) {

    /** Whether the provider answered with an error status, which is never charged. */
    public boolean failed() {
        return upstreamStatus >= 400 || upstreamStatus == 0;
    }
}
