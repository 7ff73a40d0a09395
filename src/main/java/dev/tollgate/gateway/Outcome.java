package dev.tollgate.gateway;

import dev.tollgate.billing.Usage;

/**
 * How a forwarded request ended: the upstream status, the usage (reported by the provider, or
 * estimated when it reported none), the model and response id it named, and whether a stream
 * that began with a success status reported a provider error and no usage.
 */
public record Outcome(
        int upstreamStatus,
        Usage usage,
        boolean estimated,
        String model,
        String responseId,
        boolean simulated,
        boolean streamError) {

    /** An outcome without a stream error. */
    public Outcome(int upstreamStatus, Usage usage, boolean estimated, String model,
            String responseId, boolean simulated) {
        this(upstreamStatus, usage, estimated, model, responseId, simulated, false);
    }

    /** Whether the provider answered with an error, which is never charged. */
    public boolean failed() {
        return streamError || upstreamStatus >= 400 || upstreamStatus == 0;
    }
}
