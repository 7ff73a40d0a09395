package dev.tollgate.storage;

import java.sql.SQLException;

/** Classification of database exceptions that features turn into client errors. */
public final class Sql {
    private Sql() {
    }

    /** Returns whether {@code error} or one of its causes is a unique-constraint violation. */
    public static boolean isUniqueViolation(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                // PostgreSQL reports SQLState 23505; SQLite reports error code 2067 (or 1555 for a
                // primary key) with a message naming the UNIQUE constraint.
                if ("23505".equals(sql.getSQLState())) {
                    return true;
                }
                String message = String.valueOf(sql.getMessage());
                if (message.contains("SQLITE_CONSTRAINT_UNIQUE")
                        || message.contains("SQLITE_CONSTRAINT_PRIMARYKEY")) {
                    return true;
                }
            }
        }
        return false;
    }
}
