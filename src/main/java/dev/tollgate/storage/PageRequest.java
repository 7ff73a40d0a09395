package dev.tollgate.storage;

import java.util.Optional;

/**
 * A list position: items older than the cursor id (all when empty), at most {@code limit}.
 * SQL adds {@code id < :cursor} when a cursor is set and orders by {@code id DESC}.
 */
public record PageRequest(Optional<String> cursor, int limit) {
    public static final int DEFAULT_LIMIT = 10;
    public static final int MAX_LIMIT = 100;

    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalStateException("limit " + limit + " outside 1.." + MAX_LIMIT);
        }
    }

    /** The cursor bound for SQL: ids below it, or a bound above every id when unset. */
    public String cursorBound() {
        return cursor.orElse("~");
    }
}
