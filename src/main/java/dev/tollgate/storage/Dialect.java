package dev.tollgate.storage;

/** The SQL engines Tollgate runs on. Feature SQL is written to run on both. */
public enum Dialect {
    SQLITE,
    POSTGRESQL;

    /** Returns the dialect of a JDBC URL, or throws when the URL names another engine. */
    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported database URL '" + redact(jdbcUrl)
                + "': use jdbc:postgresql://HOST:PORT/DATABASE or leave it unset for SQLite");
    }

    /** Returns the URL without its query string, which may hold a password. */
    public static String redact(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        String withoutQuery = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        return withoutQuery.replaceAll("//[^/@]*@", "//***@");
    }
}
