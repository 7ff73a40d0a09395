package dev.tollgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.opentest4j.TestAbortedException;

/**
 * An empty database for one test run: a SQLite file in a new temporary directory, or a new
 * schema in the PostgreSQL database named by {@code TOLLGATE_TEST_POSTGRES_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}), so parallel runs never collide.
 * When PostgreSQL is unreachable the test is skipped, except under {@code CI=true}, where that
 * is a failure.
 */
public final class TestDatabase implements AutoCloseable {
    private static final String DEFAULT_POSTGRES_URL =
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private final DatabaseKind kind;
    private final Path dataDir;
    private final String jdbcUrl;
    private final String schema;

    private TestDatabase(DatabaseKind kind, Path dataDir, String jdbcUrl, String schema) {
        this.kind = kind;
        this.dataDir = dataDir;
        this.jdbcUrl = jdbcUrl;
        this.schema = schema;
    }

    public static TestDatabase create(DatabaseKind kind) {
        Path dataDir = newTempDir();
        if (kind == DatabaseKind.SQLITE) {
            return new TestDatabase(kind, dataDir, "jdbc:sqlite:" + dataDir.resolve("tollgate.db"), null);
        }
        String baseUrl = postgresUrl();
        String schema = "tg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
                .toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(baseUrl);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String message = "PostgreSQL is unreachable at " + baseUrl + ": " + e.getMessage()
                    + ". Start it or set TOLLGATE_TEST_POSTGRES_URL.";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message + " PostgreSQL tests must run under CI=true.", e);
            }
            throw new TestAbortedException(message);
        }
        String separator = baseUrl.contains("?") ? "&" : "?";
        return new TestDatabase(kind, dataDir, baseUrl + separator + "currentSchema=" + schema, schema);
    }

    static String postgresUrl() {
        String url = System.getenv("TOLLGATE_TEST_POSTGRES_URL");
        return url == null || url.isBlank() ? DEFAULT_POSTGRES_URL : url;
    }

    private static Path newTempDir() {
        try {
            return Files.createTempDirectory("tollgate-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DatabaseKind kind() {
        return kind;
    }

    /** The data directory, where bootstrap keys and (for SQLite) the database file live. */
    public Path dataDir() {
        return dataDir;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** Returns the URL to pass as TOLLGATE_DATABASE_URL: empty for the SQLite default. */
    public java.util.Optional<String> databaseUrlSetting() {
        return kind == DatabaseKind.SQLITE ? java.util.Optional.empty() : java.util.Optional.of(jdbcUrl);
    }

    @Override
    public void close() {
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(postgresUrl());
                    Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop test schema " + schema, e);
            }
        }
    }
}
