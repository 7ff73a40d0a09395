package dev.tollgate.app;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Server settings, from command-line flags first, then environment variables, then defaults.
 * See docs/configuration.md for each one.
 */
public record Config(
        String host,
        int port,
        Path dataDir,
        Optional<String> databaseUrl,
        Optional<String> bootstrapSandboxKey,
        Optional<String> bootstrapLiveKey,
        Optional<String> publicUrl,
        Optional<String> upstreamOverrides,
        Optional<Path> pricesFile,
        Map<String, String> environment) {

    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final String DEFAULT_DATA_DIR = "./data";

    /**
     * Builds the settings from flag values (null when a flag was not given) and the environment.
     *
     * @throws IllegalArgumentException naming the variable when an environment value is invalid
     */
    public static Config from(String hostFlag, Integer portFlag, Path dataFlag,
            Map<String, String> env) {
        int port = portFlag != null ? portFlag : parsePort(env.get("TOLLGATE_PORT"));
        Path data = dataFlag != null ? dataFlag
                : Path.of(nonBlank(env.get("TOLLGATE_DATA_DIR")).orElse(DEFAULT_DATA_DIR));
        return new Config(
                hostFlag != null ? hostFlag : DEFAULT_HOST,
                port,
                data,
                nonBlank(env.get("TOLLGATE_DATABASE_URL")),
                nonBlank(env.get("TOLLGATE_BOOTSTRAP_SANDBOX_KEY")),
                nonBlank(env.get("TOLLGATE_BOOTSTRAP_LIVE_KEY")),
                nonBlank(env.get("TOLLGATE_PUBLIC_URL")).map(url -> url.endsWith("/") ? url : url + "/"),
                nonBlank(env.get("TOLLGATE_UPSTREAM_OVERRIDES")),
                nonBlank(env.get("TOLLGATE_PRICES_FILE")).map(Path::of),
                Map.copyOf(env));
    }

    private static int parsePort(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(text.strip());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("TOLLGATE_PORT must be a port number from 0 to"
                    + " 65535, not '" + text + "'");
        }
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    /** The SQLite database's file name in the data directory. */
    static final String SQLITE_FILE = "tollgate.db";

    /** Returns settings for tests: the given database, keys and environment, defaults elsewhere. */
    public static Config forTest(Path dataDir, Optional<String> databaseUrl, String sandboxKey,
            String liveKey, Map<String, String> env) {
        Config base = from("127.0.0.1", 0, dataDir, env);
        return new Config(base.host(), 0, dataDir, databaseUrl, Optional.of(sandboxKey),
                Optional.of(liveKey), base.publicUrl(), base.upstreamOverrides(), base.pricesFile(),
                base.environment());
    }

    /** Returns the JDBC URL: the configured one, or the SQLite file in the data directory. */
    public String jdbcUrl() {
        return databaseUrl.orElseGet(() ->
                "jdbc:sqlite:" + dataDir.resolve(SQLITE_FILE).toAbsolutePath());
    }

    @Override
    public String toString() {
        // The environment holds provider keys and the bootstrap keys are secrets: never print them.
        return "Config[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", database="
                + databaseUrl.map(dev.tollgate.storage.Dialect::redact).orElse("sqlite") + "]";
    }
}
