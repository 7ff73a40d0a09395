package dev.tollgate.client;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the secret key for the command line and the MCP server, in this order: the
 * {@code --key} flag, {@code TOLLGATE_SECRET_KEY}, {@code LAVA_SECRET_KEY}, then the stored
 * login when it was made against the same server URL.
 */
public final class KeySource {
    /** The server used when neither {@code --url} nor {@code TOLLGATE_URL} is given. */
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";

    private KeySource() {
    }

    /** Returns the server URL: the flag, then {@code TOLLGATE_URL}, then the default. */
    public static String url(String flag, Map<String, String> env) {
        if (flag != null && !flag.isBlank()) {
            return flag;
        }
        String fromEnv = env.get("TOLLGATE_URL");
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv : DEFAULT_URL;
    }

    public static Optional<String> key(String flag, String url, Map<String, String> env) {
        for (String candidate : new String[] {flag, env.get("TOLLGATE_SECRET_KEY"),
                env.get("LAVA_SECRET_KEY")}) {
            if (candidate != null && !candidate.isBlank()) {
                return Optional.of(candidate.strip());
            }
        }
        Path file = StoredLogin.file(env);
        return StoredLogin.read(file)
                .filter(saved -> sameServer(saved.url(), url))
                .map(StoredLogin.Saved::secretKey);
    }

    private static boolean sameServer(String savedUrl, String url) {
        return savedUrl != null && strip(savedUrl).equals(strip(url));
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
