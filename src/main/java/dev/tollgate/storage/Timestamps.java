package dev.tollgate.storage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one text form of instants, in the database and on the wire: ISO-8601 UTC with
 * milliseconds and a fixed width ({@code 2026-12-04T16:30:41.123Z}), so that text order is
 * time order on both SQLite and PostgreSQL.
 */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    public static String format(Instant instant) {
        return FORMAT.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    /** Formats {@code instant}, or returns null when it is null. */
    public static String formatNullable(Instant instant) {
        return instant == null ? null : format(instant);
    }

    public static Instant parse(String text) {
        return Instant.parse(text);
    }

    /** Parses {@code text}, or returns null when it is null. */
    public static Instant parseNullable(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
