package dev.tollgate.core;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Generates object ids of the form {@code <prefix>_<ULID>} (live) or
 * {@code <prefix>_test_<ULID>} (sandbox). ULIDs sort by creation time, so ordering by id gives
 * newest-first lists whose cursors stay stable while new objects are inserted. Ids made in
 * one millisecond by this process are strictly increasing. Thread-safe.
 */
public final class Ids {
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final String ULID_PATTERN = "[0-9A-HJKMNP-TV-Z]{26}";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private long lastMillis = -1;
    private long randomHigh;
    private long randomLow;

    public Ids(Clock clock) {
        this.clock = clock;
    }

    /** Returns a new id such as {@code con_test_01J...} for the given prefix and environment. */
    public String next(String prefix, Environment environment) {
        return prefix + environment.idInfix() + nextUlid();
    }

    /** Returns whether {@code value} has the shape of an id with any prefix. */
    public static boolean looksLikeId(String value) {
        return value.matches("[a-z]+(_test)?_" + ULID_PATTERN);
    }

    synchronized String nextUlid() {
        long millis = Math.max(clock.millis(), lastMillis);
        if (millis == lastMillis) {
            incrementRandom();
        } else {
            lastMillis = millis;
            randomHigh = RANDOM.nextLong() & 0xFFFFL;
            randomLow = RANDOM.nextLong();
        }
        return encode(millis, randomHigh, randomLow);
    }

    private void incrementRandom() {
        randomLow++;
        if (randomLow == 0) {
            randomHigh = (randomHigh + 1) & 0xFFFFL;
            if (randomHigh == 0) {
                // 80 random bits ran out within one millisecond: move to the next millisecond.
                lastMillis++;
            }
        }
    }

    private static String encode(long millis, long high16, long low64) {
        char[] out = new char[26];
        // 48-bit time in the first 10 characters (50 bits, top 2 are zero).
        for (int i = 9; i >= 0; i--) {
            out[i] = CROCKFORD[(int) (millis & 31)];
            millis >>>= 5;
        }
        // 80 random bits (16 high, 64 low) in the last 16 characters.
        long low = low64;
        long high = high16;
        for (int i = 25; i >= 10; i--) {
            out[i] = CROCKFORD[(int) (low & 31)];
            low = (low >>> 5) | ((high & 31) << 59);
            high >>>= 5;
        }
        return new String(out);
    }
}
