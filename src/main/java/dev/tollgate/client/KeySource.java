package dev.tollgate.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
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

    /**
     * Returns the server URL: the flag, then {@code TOLLGATE_URL}, then the default.
     *
     * @throws IllegalArgumentException when the chosen URL is not an absolute http or https
     *     URL with a host, with a message that names its source and the fix
     */
    public static String url(String flag, Map<String, String> env) {
        if (flag != null && !flag.isBlank()) {
            return checkUrl(flag.strip(), "--url");
        }
        String fromEnv = env.get("TOLLGATE_URL");
        return fromEnv != null && !fromEnv.isBlank() ? checkUrl(fromEnv.strip(), "TOLLGATE_URL")
                : DEFAULT_URL;
    }

    private static String checkUrl(String url, String source) {
        String problem;
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                problem = "the scheme must be http or https";
            } else if (uri.getHost() == null) {
                problem = "it has no host name";
            } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                problem = "it must not have a query or fragment";
            } else {
                return url;
            }
        } catch (URISyntaxException e) {
            problem = e.getReason() + " at index " + e.getIndex();
        }
        throw new IllegalArgumentException("Invalid " + source + " '" + url + "': " + problem
                + ". Use the server's base URL, such as " + DEFAULT_URL + ".");
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
