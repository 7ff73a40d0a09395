package dev.tollgate.subscriptions;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** Billing cycle arithmetic in UTC. */
public final class Cycles {
    private Cycles() {
    }

    /**
     * Returns the end of the cycle that starts at {@code start}. Month and year steps clamp to
     * the last day of a shorter month (Jan 31 plus one month is Feb 28 or 29).
     */
    public static Instant end(Instant start, BillingInterval interval) {
        ZonedDateTime from = start.atZone(ZoneOffset.UTC);
        ZonedDateTime to = switch (interval) {
            case DAY -> from.plusDays(1);
            case WEEK -> from.plusWeeks(1);
            case MONTH -> from.plusMonths(1);
            case YEAR -> from.plusYears(1);
        };
        return to.toInstant();
    }
}
