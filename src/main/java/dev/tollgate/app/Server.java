package dev.tollgate.app;

import dev.tollgate.accounts.Merchants;
import dev.tollgate.accounts.SecretKeys;
import dev.tollgate.api.ApiRoutes;
import dev.tollgate.billing.Meters;
import dev.tollgate.core.Ids;
import dev.tollgate.customers.Customers;
import dev.tollgate.storage.Database;
import dev.tollgate.storage.Dialect;
import dev.tollgate.subscriptions.CreditBundles;
import dev.tollgate.subscriptions.Plans;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * A running Tollgate node: the database with migrations applied, the services, and the HTTP
 * server. {@link #stop()} stops accepting requests, then closes the pool.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final Database database;
    private final WebServer webServer;

    private Server(Database database, WebServer webServer) {
        this.database = database;
        this.webServer = webServer;
    }

    /**
     * Opens the database, creates the first merchant when it is empty (printing its keys to
     * {@code out}), and starts listening.
     */
    public static Server start(Config config, Clock clock, PrintStream out) {
        routeJulToSlf4j();
        if (config.databaseUrl().isEmpty()) {
            createDataDir(config);
        }
        Database database = Database.open(config.jdbcUrl());
        try {
            Ids ids = new Ids(clock);
            SecretKeys secretKeys = new SecretKeys(database.jdbi(), ids, clock);
            Merchants merchants = new Merchants(database.jdbi(), ids, clock, secretKeys);
            BootstrapKeys.createIfEmpty(merchants, config, out);
            ApiRoutes.Services services = new ApiRoutes.Services(
                    secretKeys,
                    new Meters(database.jdbi(), ids, clock),
                    new Plans(database.jdbi(), ids, clock),
                    new CreditBundles(database.jdbi()),
                    new Customers(database.jdbi(), ids, clock));
            AtomicBoolean ready = new AtomicBoolean();
            WebServer webServer = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    // Helidon leaves Nagle's algorithm on by default, which stalls small writes.
                    .connectionOptions(options -> options.tcpNoDelay(true))
                    .shutdownHook(false)
                    .routing(routing -> ApiRoutes.register(routing, services, ready::get))
                    .build()
                    .start();
            ready.set(true);
            LOG.info("Tollgate listening host={} port={} database={}", config.host(),
                    webServer.port(), Dialect.redact(config.jdbcUrl()));
            return new Server(database, webServer);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Sends Helidon's java.util.logging output through SLF4J, so one format covers all logs. */
    private static synchronized void routeJulToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    private static void createDataDir(Config config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.dataDir()
                    + "; set --data or TOLLGATE_DATA_DIR to a writable directory", e);
        }
    }

    /** Returns the port the server listens on, useful when it was started on port 0. */
    public int port() {
        return webServer.port();
    }

    public Database database() {
        return database;
    }

    /** Stops accepting connections, lets Helidon finish requests in flight, then closes the pool. */
    public void stop() {
        webServer.stop();
        database.close();
        LOG.info("Tollgate stopped");
    }

    @Override
    public void close() {
        stop();
    }
}
