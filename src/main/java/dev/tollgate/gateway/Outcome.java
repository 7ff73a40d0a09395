package dev.tollgate.gateway;

import dev.tollgate.billing.Usage;

/**
 * How a forwarded request ended: the upstream status, the usage (reported by the provider, or
 * estimated when it reported none), and the model and response id it named. {@code streamError}
 * marks a stream that began with a success status and then reported a provider error and no
 * usage.
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

    /** Returns this outcome marked estimated, for usage or a charge that was capped. */
    public Outcome asEstimated() {
        return new Outcome(upstreamStatus, usage, true, model, responseId, simulated, streamError);
    }

    /** Returns whether the provider reported an error, which is never charged. */
    public boolean failed() {
        return streamError || upstreamStatus >= 400 || upstreamStatus == 0;
    }
}
