package dev.tollgate.spendkeys;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code rate_limit} of spend keys: one bucket4j token bucket per key, with a capacity of
 * {@link SpendKeySettings.RateLimit#capacity()} requests, that refills at {@code rpm} per minute.
 * Buckets live in this node's memory, so with several nodes behind a load balancer each node
 * allows the full rate, and a restart refills them. Thread-safe.
 */
public final class RateLimiter {
    /** Keys tracked at once; the least recently used bucket is dropped past this. */
    static final int MAX_TRACKED_KEYS = 100_000;

    /** A key's bucket and the limit it was built for, rebuilt when the limit changes. */
    private record LimitedBucket(SpendKeySettings.RateLimit limit, Bucket bucket) {
    }

    private final Map<String, LimitedBucket> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LimitedBucket> eldest) {
            return size() > MAX_TRACKED_KEYS;
        }
    };

    /**
     * Takes one token from the bucket of {@code keyId}.
     *
     * @return empty when the request may go ahead, else how long until a token is available
     */
    public Optional<Duration> tryAcquire(String keyId, SpendKeySettings.RateLimit limit) {
        ConsumptionProbe probe = bucketFor(keyId, limit).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Optional.empty()
                : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    private synchronized Bucket bucketFor(String keyId, SpendKeySettings.RateLimit limit) {
        LimitedBucket current = buckets.get(keyId);
        if (current != null && current.limit().equals(limit)) {
            return current.bucket();
        }
        Bucket bucket = Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(limit.capacity())
                        .refillGreedy(limit.rpm(), Duration.ofMinutes(1))
                        .build())
                .build();
        buckets.put(keyId, new LimitedBucket(limit, bucket));
        return bucket;
    }
}
