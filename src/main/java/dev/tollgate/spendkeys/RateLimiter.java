package dev.tollgate.spendkeys;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The {@code rate_limit} of spend keys: one token bucket per key that holds
 * {@link SpendKeySettings.RateLimit#capacity()} requests and refills at {@code rpm} per minute.
 * Buckets live in this node's memory, so with several nodes behind a load balancer each node
 * allows the full rate. Thread-safe.
 */
public final class RateLimiter {
    /** Buckets kept before full ones, which a new bucket would equal, are dropped. */
    private static final int MAX_BUCKETS = 100_000;
    /** Token amounts are counted in these units, so refills need no fractions. */
    private static final long UNITS_PER_TOKEN = Duration.ofMinutes(1).toNanos();

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public RateLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * Takes one token from the bucket of {@code keyId}.
     *
     * @return empty when the request may go ahead, else how long until a token is available
     */
    public Optional<Duration> tryAcquire(String keyId, SpendKeySettings.RateLimit limit) {
        long now = nanoTime.getAsLong();
        if (buckets.size() >= MAX_BUCKETS) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        Bucket bucket = buckets.compute(keyId, (id, current) ->
                current != null && current.limit.equals(limit) ? current : new Bucket(limit, now));
        return bucket.tryTake(now);
    }

    private static final class Bucket {
        private final SpendKeySettings.RateLimit limit;
        private final long capacityUnits;
        private long units;
        private long refilledAtNanos;

        Bucket(SpendKeySettings.RateLimit limit, long nowNanos) {
            this.limit = limit;
            this.capacityUnits = limit.capacity() * UNITS_PER_TOKEN;
            this.units = capacityUnits;
            this.refilledAtNanos = nowNanos;
        }

        synchronized Optional<Duration> tryTake(long nowNanos) {
            refill(nowNanos);
            if (units >= UNITS_PER_TOKEN) {
                units -= UNITS_PER_TOKEN;
                return Optional.empty();
            }
            long missingUnits = UNITS_PER_TOKEN - units;
            // Each nanosecond adds rpm units, so the wait is the missing units divided by rpm.
            long waitNanos = (missingUnits + limit.rpm() - 1) / limit.rpm();
            return Optional.of(Duration.ofNanos(waitNanos));
        }

        synchronized boolean isFull(long nowNanos) {
            refill(nowNanos);
            return units == capacityUnits;
        }

        private void refill(long nowNanos) {
            long elapsed = Math.max(0, nowNanos - refilledAtNanos);
            // Past this many nanoseconds the bucket is full; the cap keeps the product in range.
            long toFull = (capacityUnits - units) / limit.rpm() + 1;
            units = Math.min(capacityUnits, units + Math.min(elapsed, toFull) * limit.rpm());
            refilledAtNanos = nowNanos;
        }
    }
}
