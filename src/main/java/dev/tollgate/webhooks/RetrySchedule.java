package dev.tollgate.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed delivery is tried again: after 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h,
 * 4 h, 8 h, 12 h, 16 h and 24 h, each stretched or shrunk by a random factor from 0.8 to 1.2 so
 * that many deliveries failing together do not retry together. With the first attempt that is
 * {@link #MAX_ATTEMPTS} attempts over about 2.8 days (between 2.3 and 3.4 days with jitter);
 * after the last one fails the delivery is marked failed.
 */
public final class RetrySchedule {
    /** Waits after the first, second, ... failed attempt. */
    public static final List<Duration> DELAYS = List.of(
            Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2),
            Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1),
            Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8), Duration.ofHours(12),
            Duration.ofHours(16), Duration.ofHours(24));
    /** Attempts of one delivery before it is marked failed. */
    public static final int MAX_ATTEMPTS = DELAYS.size() + 1;
    /** The largest factor jitter applies to a delay. */
    public static final double MAX_JITTER = 1.2;
    private static final double MIN_JITTER = 0.8;

    private RetrySchedule() {
    }

    /** Returns the wait after failed attempt number {@code attempt} (1-based), with jitter. */
    public static Duration delayAfter(int attempt) {
        Duration base = DELAYS.get(Math.min(attempt, DELAYS.size()) - 1);
        double factor = ThreadLocalRandom.current().nextDouble(MIN_JITTER, MAX_JITTER);
        return Duration.ofMillis(Math.round(base.toMillis() * factor));
    }
}
