package dev.tollgate.subscriptions;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** Billing cycle arithmetic in UTC. */
public final class Cycles {
    private Cycles() {
    }

    /**
     * Returns the end of the first cycle that starts at {@code start}. Month and year steps
     * clamp to the last day of a shorter month (Jan 31 plus one month is Feb 28 or 29).
     */
    public static Instant end(Instant start, BillingInterval interval) {
        return boundary(start, interval, 1);
    }

    /**
     * Returns the start of cycle {@code n} (0 is the first) of a subscription bought at
     * {@code anchor}. Each boundary is computed from the anchor, not from the previous boundary,
     * so a month step from Jan 31 lands on Feb 28 (or 29) and then on Mar 31 again, and a
     * yearly cycle from Feb 29 lands on Feb 28 and returns to Feb 29 in leap years. All in UTC.
     */
    public static Instant boundary(Instant anchor, BillingInterval interval, long n) {
        ZonedDateTime from = anchor.atZone(ZoneOffset.UTC);
        ZonedDateTime to = switch (interval) {
            case DAY -> from.plusDays(n);
            case WEEK -> from.plusWeeks(n);
            case MONTH -> from.plusMonths(n);
            case YEAR -> from.plusYears(n);
        };
        return to.toInstant();
    }
}
