package dev.tollgate.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The connection pool, the migrations and the {@link Jdbi} handle for one database. SQLite
 * runs in WAL mode with a busy timeout and immediate write transactions, so writers queue
 * instead of failing; PostgreSQL is used as configured. Close it to release the pool.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final Duration SQLITE_BUSY_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_SQLITE_CONNECTIONS = 4;
    private static final int MAX_POSTGRESQL_CONNECTIONS = 16;

    private final Dialect dialect;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private Database(Dialect dialect, HikariDataSource dataSource) {
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        // Optional filters bind their parameter whether or not the SQL uses it.
        jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
    }

    /** Opens a pool on {@code jdbcUrl} and applies every pending migration before returning. */
    public static Database open(String jdbcUrl) {
        Dialect dialect = Dialect.of(jdbcUrl);
        HikariDataSource dataSource = new HikariDataSource(poolConfig(dialect, jdbcUrl));
        try {
            migrate(dataSource, dialect);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dialect, dataSource);
    }

    private static HikariConfig poolConfig(Dialect dialect, String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("tollgate-" + dialect.name().toLowerCase());
        if (dialect == Dialect.SQLITE) {
            SQLiteConfig sqlite = new SQLiteConfig();
            sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
            sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            sqlite.setBusyTimeout((int) SQLITE_BUSY_TIMEOUT.toMillis());
            sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            sqlite.enforceForeignKeys(true);
            config.setDataSourceProperties(sqlite.toProperties());
            config.setMaximumPoolSize(MAX_SQLITE_CONNECTIONS);
        } else {
            config.setMaximumPoolSize(MAX_POSTGRESQL_CONNECTIONS);
        }
        return config;
    }

    private static void migrate(HikariDataSource dataSource, Dialect dialect) {
        // PostgreSQL compares text by the database's locale unless told otherwise; ids and
        // instants must compare byte by byte for cursors and time ranges.
        String text = dialect == Dialect.POSTGRESQL ? "TEXT COLLATE \"C\"" : "TEXT";
        var result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholders(Map.of("text", text))
                .load()
                .migrate();
        // Flyway sets targetSchemaVersion only when a migration ran.
        String schemaVersion = result.targetSchemaVersion != null ? result.targetSchemaVersion
                : result.initialSchemaVersion;
        LOG.info("Migrations applied count={} schemaVersion={}", result.migrationsExecuted,
                schemaVersion);
    }

    public Dialect dialect() {
        return dialect;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
