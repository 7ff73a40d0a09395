package dev.tollgate.app;

import dev.tollgate.accounts.Merchants;
import dev.tollgate.accounts.SecretKeys;
import dev.tollgate.api.ApiRoutes;
import dev.tollgate.api.TransportErrors;
import dev.tollgate.billing.Meters;
import dev.tollgate.billing.PriceCatalogue;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.checkout.CheckoutSessions;
import dev.tollgate.checkout.EmbeddedCheckout;
import dev.tollgate.checkout.PhoneVerifications;
import dev.tollgate.checkout.SmsSender;
import dev.tollgate.checkout.StripeJsSettings;
import dev.tollgate.core.Ids;
import dev.tollgate.customers.Customers;
import dev.tollgate.gateway.Admission;
import dev.tollgate.gateway.Forwarder;
import dev.tollgate.gateway.ManualUsage;
import dev.tollgate.gateway.ProviderKeys;
import dev.tollgate.gateway.RequestRecords;
import dev.tollgate.gateway.Settlement;
import dev.tollgate.gateway.SpendKeyGate;
import dev.tollgate.gateway.UpstreamPolicy;
import dev.tollgate.gateway.simulator.Simulator;
import dev.tollgate.mcp.McpHttpEndpoint;
import dev.tollgate.payments.PaymentProcessors;
import dev.tollgate.payments.SandboxCardProcessor;
import dev.tollgate.spendkeys.RateLimiter;
import dev.tollgate.spendkeys.SpendKeyLimits;
import dev.tollgate.spendkeys.SpendKeys;
import dev.tollgate.storage.BatchWriter;
import dev.tollgate.storage.Database;
import dev.tollgate.storage.Dialect;
import dev.tollgate.subscriptions.CreditBundles;
import dev.tollgate.subscriptions.Plans;
import dev.tollgate.subscriptions.Renewals;
import dev.tollgate.subscriptions.Subscriptions;
import dev.tollgate.subscriptions.TopUps;
import dev.tollgate.webhooks.WebhookService;
import dev.tollgate.webhooks.WebhookSettings;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * A running Tollgate node: the database with migrations applied, the services, and the HTTP
 * server. {@link #stop()} stops taking gateway requests, waits a bounded time for those in
 * flight to finish and settle, then stops the server and closes the database.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    /** How long shutdown waits for gateway requests in flight. */
    public static final Duration MAX_SHUTDOWN_WAIT = Duration.ofSeconds(30);
    private static final int MAX_BATCH = 256;
    /** How often due subscriptions are renewed. */
    private static final Duration RENEWAL_INTERVAL = Duration.ofSeconds(10);
    /** The version the MCP server reports to clients. */
    private static final String VERSION = "0.1.0";

    private final Database database;
    private final WebServer webServer;
    private final BatchWriter writer;
    private final Forwarder forwarder;
    private final ScheduledExecutorService scheduler;
    private final WebhookService webhooks;
    private final McpHttpEndpoint mcp;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private Server(Database database, WebServer webServer, BatchWriter writer, Forwarder forwarder,
            ScheduledExecutorService scheduler, WebhookService webhooks, McpHttpEndpoint mcp) {
        this.database = database;
        this.webServer = webServer;
        this.writer = writer;
        this.forwarder = forwarder;
        this.scheduler = scheduler;
        this.webhooks = webhooks;
        this.mcp = mcp;
    }

    /**
     * Opens the database, creates the first merchant when it is empty (printing its keys to
     * {@code out}), and starts listening.
     */
    public static Server start(Config config, Clock clock, PrintStream out) {
        routeJulToSlf4j();
        // Settings are read before the database opens, so that a bad value stops the server
        // before it creates anything or prints keys.
        Map<String, String> env = config.environment();
        PriceCatalogue prices = PriceCatalogue.load(config.pricesFile());
        UpstreamPolicy upstream = new UpstreamPolicy(UpstreamPolicy.parseOverrides(
                config.upstreamOverrides().orElse(null)));
        ProviderKeys providerKeys = ProviderKeys.from(env);
        WebhookSettings webhookSettings = WebhookSettings.from(env);
        PaymentProcessors payments = new PaymentProcessors(new SandboxCardProcessor(),
                LiveCheckoutSettings.paymentProcessor(env));
        Optional<SmsSender> smsSender = LiveCheckoutSettings.smsSender(env);
        Optional<StripeJsSettings> stripeJs = LiveCheckoutSettings.stripeJs(env);
        if (config.databaseUrl().isEmpty()) {
            createSqliteFile(config);
        }
        Database database = Database.open(config.jdbcUrl());
        BatchWriter writer = new BatchWriter(database.jdbi(), MAX_BATCH, "tollgate-writer");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("tollgate-scheduler").daemon(true).factory());
        WebhookService webhooks = null;
        McpHttpEndpoint mcp = null;
        try {
            Ids ids = new Ids(clock);
            // Before any handle opens, since each handle copies the setting that records events.
            webhooks = WebhookService.create(database.jdbi(), ids, clock, webhookSettings);
            SecretKeys secretKeys = new SecretKeys(database.jdbi(), ids, clock);
            Merchants merchants = new Merchants(database.jdbi(), ids, clock, secretKeys);
            BootstrapKeys.createIfEmpty(merchants, config, out);
            Ledger ledger = new Ledger(ids, clock);
            Subscriptions subscriptions = new Subscriptions(database.jdbi(), ids, clock, ledger);
            Customers customers = new Customers(database.jdbi(), ids, clock, subscriptions);
            TopUps topUps = new TopUps(database.jdbi(), ids, clock, ledger, payments);
            Settlement settlement = new Settlement(writer, ledger, prices, clock, topUps);
            Renewals renewals = new Renewals(database.jdbi(), ids, clock, ledger, subscriptions,
                    payments);
            SpendKeys spendKeys = new SpendKeys(database.jdbi(), ids, clock);
            SpendKeyGate spendKeyGate = new SpendKeyGate(spendKeys,
                    new SpendKeyLimits(writer, clock), new RateLimiter(), prices,
                    clock);
            Forwarder forwarder = new Forwarder(secretKeys,
                    new Admission(database.jdbi(), writer, ledger, prices, topUps), settlement,
                    upstream, providerKeys, spendKeyGate, new Simulator(clock),
                    ids, clock);
            CheckoutSessions checkoutSessions = new CheckoutSessions(database.jdbi(), ids, clock,
                    customers, subscriptions, ledger, payments);
            ApiRoutes.Services services = new ApiRoutes.Services(
                    secretKeys,
                    new Meters(database.jdbi(), ids, clock),
                    new Plans(database.jdbi(), ids, clock),
                    new CreditBundles(database.jdbi()),
                    customers,
                    subscriptions,
                    renewals,
                    checkoutSessions,
                    new EmbeddedCheckout(database.jdbi(), checkoutSessions,
                            new PhoneVerifications(database.jdbi(), clock, smsSender),
                            LiveCheckoutSettings.missing(env), stripeJs),
                    forwarder,
                    new RequestRecords(database.jdbi()),
                    new ManualUsage(database.jdbi(), settlement, ids, clock),
                    prices,
                    database.jdbi(),
                    clock,
                    config.publicUrl(),
                    webhooks,
                    spendKeys);
            AtomicBoolean ready = new AtomicBoolean();
            mcp = McpHttpEndpoint.create(secretKeys, config.environment(), config.publicUrl(),
                    VERSION);
            McpHttpEndpoint mcpRoutes = mcp;
            WebServer webServer = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    // Helidon leaves Nagle's algorithm on by default, which stalls small writes.
                    .connectionOptions(options -> options.tcpNoDelay(true))
                    .directHandlers(TransportErrors.handlers())
                    .shutdownHook(false)
                    .routing(routing -> {
                        mcpRoutes.register(routing);
                        ApiRoutes.register(routing, services, ready::get);
                    })
                    .build()
                    .start();
            if (!webServer.isRunning() || webServer.port() < 0) {
                throw new IllegalStateException("cannot listen on " + config.host() + ":"
                        + config.port() + " (is the port already in use?); choose another with"
                        + " --port or TOLLGATE_PORT");
            }
            scheduler.scheduleWithFixedDelay(() -> releaseExpiredHolds(writer, ledger), 1, 1,
                    TimeUnit.MINUTES);
            scheduler.scheduleWithFixedDelay(() -> renewDue(renewals),
                    RENEWAL_INTERVAL.toSeconds(), RENEWAL_INTERVAL.toSeconds(), TimeUnit.SECONDS);
            webhooks.startDelivering();
            mcp.bind(config.host(), webServer.port());
            ready.set(true);
            LOG.info("Tollgate listening host={} port={} database={}", config.host(),
                    webServer.port(), Dialect.redact(config.jdbcUrl()));
            return new Server(database, webServer, writer, forwarder, scheduler, webhooks, mcp);
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            if (mcp != null) {
                mcp.close();
            }
            if (webhooks != null) {
                webhooks.close();
            }
            writer.close();
            database.close();
            throw e;
        }
    }

    private static void renewDue(Renewals renewals) {
        try {
            renewals.renewDue();
        } catch (RuntimeException e) {
            LOG.error("Renewing subscriptions failed; the next run retries", e);
        }
    }

    private static void releaseExpiredHolds(BatchWriter writer, Ledger ledger) {
        try {
            int released = writer.write(ledger::releaseExpiredHolds);
            if (released > 0) {
                LOG.warn("Released expired credit holds count={}", released);
            }
        } catch (RuntimeException e) {
            LOG.error("Releasing expired credit holds failed", e);
        }
    }

    /** Sends Helidon's java.util.logging output through SLF4J, so one format covers all logs. */
    private static synchronized void routeJulToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /**
     * Creates the data directory (mode 0700) and an empty SQLite file (mode 0600) when they do
     * not exist. SQLite gives its -wal and -shm files the database file's mode. Existing files
     * keep their modes.
     */
    static void createSqliteFile(Config config) {
        try {
            if (Files.notExists(config.dataDir())) {
                // The database contains customers' contact details, so only the owner may read it.
                Files.createDirectories(config.dataDir(), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.dataDir()
                    + "; set --data or TOLLGATE_DATA_DIR to a writable directory", e);
        }
        Path file = config.dataDir().resolve(Config.SQLITE_FILE);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // An existing database keeps the mode its owner gave it.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create database file " + file
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

    /**
     * Stops gracefully: new gateway requests get 503, those in flight get up to
     * {@link #MAX_SHUTDOWN_WAIT} to finish, queued usage is committed, then the pool closes.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        int unfinished = forwarder.inFlight().closeAndAwait(MAX_SHUTDOWN_WAIT);
        if (unfinished > 0) {
            LOG.warn("Stopping with gateway requests still running count={}", unfinished);
        }
        scheduler.shutdownNow();
        mcp.close();
        webServer.stop();
        webhooks.close();
        writer.close();
        database.close();
        LOG.info("Tollgate stopped");
    }

    @Override
    public void close() {
        stop();
    }
}
