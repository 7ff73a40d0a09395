package dev.tollgate.testing;

import dev.tollgate.app.Config;
import dev.tollgate.app.Server;
import dev.tollgate.billing.ledger.LedgerCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * A Tollgate server started in this JVM on a free port over a fresh {@link TestDatabase}, with
 * known bootstrap keys, and a small HTTP client for its API.
 */
public final class TestServer implements AutoCloseable {
    public static final String SANDBOX_KEY = "aks_test_" + "S".repeat(40);
    public static final String LIVE_KEY = "aks_live_" + "L".repeat(40);

    private final TestDatabase database;
    private final Server server;
    private final ApiClient api;

    private TestServer(TestDatabase database, Server server) {
        this.database = database;
        this.server = server;
        this.api = new ApiClient(server.port());
    }

    public static TestServer start(DatabaseKind kind) {
        return start(kind, Clock.systemUTC());
    }

    public static TestServer start(DatabaseKind kind, Clock clock) {
        return start(kind, clock, Map.of());
    }

    /** Starts a server whose environment variables are {@code env} (and nothing else). */
    public static TestServer start(DatabaseKind kind, Clock clock, Map<String, String> env) {
        TestDatabase database = TestDatabase.create(kind);
        Config config = Config.forTest(database.dataDir(), database.databaseUrlSetting(),
                SANDBOX_KEY, LIVE_KEY, env);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try {
            return new TestServer(database, Server.start(config, clock, quiet));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * Starts a server on an existing database, as a node restarting or joining another does.
     * Closing it drops the database, so close only the last server on it that way.
     */
    public static TestServer startOn(TestDatabase database, Clock clock, Map<String, String> env) {
        Config config = Config.forTest(database.dataDir(), database.databaseUrlSetting(),
                SANDBOX_KEY, LIVE_KEY, env);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8);
        return new TestServer(database, Server.start(config, clock, quiet));
    }

    /** Stops the server and keeps its database for a server started later with startOn. */
    public void stopKeepingDatabase() {
        server.stop();
    }

    public TestDatabase database() {
        return database;
    }

    public Server server() {
        return server;
    }

    /**
     * Returns the first customer whose cached credit balance differs from the sum of its ledger
     * entries or open holds, or empty when every balance reconciles.
     */
    public Optional<String> ledgerMismatch() {
        return server.database().jdbi().withHandle(LedgerCheck::firstMismatch);
    }

    public int port() {
        return server.port();
    }

    /** The API base URL as the Node SDK expects it: {@code http://127.0.0.1:PORT/v1/}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1/";
    }

    public ApiResponse get(String key, String path) {
        return api.get(key, path);
    }

    public ApiResponse delete(String key, String path) {
        return api.delete(key, path);
    }

    public ApiResponse post(String key, String path, String json) {
        return api.post(key, path, json);
    }

    public ApiResponse patch(String key, String path, String json) {
        return api.patch(key, path, json);
    }

    /** Sends a request; {@code key} may be null for no Authorization header. */
    public ApiResponse send(String key, String method, String path, String json) {
        return api.send(key, method, path, json);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            database.close();
        }
    }
}
