package dev.tollgate.subscriptions;

import java.time.Instant;

/** A customer's active subscription: its plan and current cycle. */
public record ActiveSubscription(String id, String customerId, Plan plan, Instant startedAt,
        Instant cycleStart, Instant cycleEnd, String autoTopUpBundleId) {
}
