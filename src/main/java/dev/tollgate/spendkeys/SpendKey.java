package dev.tollgate.spendkeys;

import dev.tollgate.core.Environment;
import dev.tollgate.money.Money;
import java.time.Instant;
import java.util.Optional;

/**
 * A stored spend key as its owner sees it, never the key itself: {@code keyPreview} shows its
 * prefix and last four characters. The counters are those of the last admission or settlement;
 * {@link #currentSpend} and {@link #currentRequests} drop them once their cycle has ended.
 */
public record SpendKey(
        String id,
        String merchantId,
        Environment environment,
        String keyPreview,
        SpendKeySettings settings,
        Counters counters,
        Optional<Instant> lastUsedAt,
        Instant createdAt) {

    /**
     * The running totals. {@code cycleSpend} belongs to the cycle that starts at
     * {@code spendCycleStart}, and {@code cycleRequests} to the one at {@code requestCycleStart}.
     * {@code version} changes with every admission.
     */
    public record Counters(Optional<Instant> spendCycleStart, Money cycleSpend, Money totalSpend,
            Optional<Instant> requestCycleStart, long cycleRequests, long totalRequests,
            long version) {
    }

    /** Returns the cycle that {@code current_spend} counts over: the spend limit's, else TOTAL. */
    public Cycle spendCycle() {
        return settings.spendLimit().map(SpendKeySettings.SpendLimit::cycle).orElse(Cycle.TOTAL);
    }

    /**
     * Returns the cycle that {@code current_requests} counts over: the request limit's, else
     * TOTAL.
     */
    public Cycle requestCycle() {
        return settings.requestLimit().map(SpendKeySettings.RequestLimit::cycle)
                .orElse(Cycle.TOTAL);
    }

    /**
     * Returns the provider cost settled in the spend cycle that contains {@code now}. Over
     * {@code TOTAL} that is everything the key ever spent, also from before a limit was set.
     */
    public Money currentSpend(Instant now) {
        if (spendCycle() == Cycle.TOTAL) {
            return counters.totalSpend();
        }
        Instant start = spendCycle().start(now);
        return counters.spendCycleStart().filter(start::equals).isPresent()
                ? counters.cycleSpend() : Money.ZERO;
    }

    /** The requests admitted in the request cycle that contains {@code now}. */
    public long currentRequests(Instant now) {
        if (requestCycle() == Cycle.TOTAL) {
            return counters.totalRequests();
        }
        Instant start = requestCycle().start(now);
        return counters.requestCycleStart().filter(start::equals).isPresent()
                ? counters.cycleRequests() : 0;
    }

    /** Returns whether the key has expired at {@code now}. */
    public boolean isExpired(Instant now) {
        return settings.expiresAt().filter(expiry -> !now.isBefore(expiry)).isPresent();
    }
}
