package dev.tollgate.spendkeys;

import dev.tollgate.core.WireEnum;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;

/**
 * The period a spend or request limit counts over. Periods follow UTC calendar boundaries: a day
 * starts at 00:00 UTC, a week on Monday 00:00 UTC and a month on its first day at 00:00 UTC.
 * {@code TOTAL} never resets.
 */
public enum Cycle implements WireEnum {
    DAILY("daily"),
    WEEKLY("weekly"),
    MONTHLY("monthly"),
    TOTAL("total");

    private final String code;

    Cycle(String code) {
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }

    /** Returns the start of the cycle that contains {@code now}; the epoch for {@code TOTAL}. */
    public Instant start(Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate first = switch (this) {
            case DAILY -> day;
            case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHLY -> day.withDayOfMonth(1);
            case TOTAL -> LocalDate.EPOCH;
        };
        return first.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
