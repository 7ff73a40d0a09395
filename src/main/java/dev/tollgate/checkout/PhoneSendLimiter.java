package dev.tollgate.checkout;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits how many one-time codes are sent to one phone number, across all checkout sessions,
 * with a token bucket per number. Buckets live in memory, so each server node counts on its
 * own and a restart forgets them. Thread-safe.
 */
final class PhoneSendLimiter {
    /** Numbers tracked at once; the least recently used bucket is dropped past this. */
    static final int MAX_TRACKED_NUMBERS = 100_000;

    private final Bandwidth bandwidth;
    private final TimeMeter timeMeter;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_TRACKED_NUMBERS;
        }
    };

    /** Allows {@code maxSends} codes per number in any {@code window}. */
    PhoneSendLimiter(int maxSends, Duration window, Clock clock) {
        this.bandwidth = Bandwidth.builder()
                .capacity(maxSends)
                .refillGreedy(maxSends, window)
                .build();
        this.timeMeter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.millis() * 1_000_000L;
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    /** Takes one send from the number's allowance; returns false when it is used up. */
    synchronized boolean tryAcquire(String phoneE164) {
        Bucket bucket = buckets.computeIfAbsent(phoneE164, number -> Bucket.builder()
                .addLimit(bandwidth)
                .withCustomTimePrecision(timeMeter)
                .build());
        return bucket.tryConsume(1);
    }
}
