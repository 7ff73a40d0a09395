package dev.tollgate.subscriptions;

import java.time.Instant;

/**
 * A subscription with its plan and current cycle. Cycle {@code cycleNumber} runs from
 * {@code cycleStart} to {@code cycleEnd}; boundaries are computed from {@code cycleAnchor}, the
 * purchase time. {@code pendingChange} is {@code cancellation} or {@code downgrade} (to
 * {@code pendingPlanId}) at the cycle's end, or null.
 */
public record ActiveSubscription(
        String id,
        String customerId,
        Plan plan,
        String status,
        Instant startedAt,
        Instant cancelledAt,
        Instant cycleAnchor,
        long cycleNumber,
        Instant cycleStart,
        Instant cycleEnd,
        String autoTopUpBundleId,
        String pendingChange,
        String pendingPlanId,
        int renewalFailures,
        Instant nextAttemptAt,
        Instant topUpFailedAt) {
}
