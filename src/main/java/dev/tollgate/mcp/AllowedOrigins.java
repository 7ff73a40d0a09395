package dev.tollgate.mcp;

import dev.tollgate.checkout.Origins;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The browser origins that may call {@code /mcp}, which protects it from DNS rebinding: a page
 * on another origin whose host name was made to resolve to this server. Requests without an
 * {@code Origin} header come from programs, not browsers, and pass. The server's own origins
 * always pass: {@code http://127.0.0.1}, {@code http://localhost} and {@code http://[::1]} on
 * its port, and the origin of {@code TOLLGATE_PUBLIC_URL}. {@code TOLLGATE_MCP_ALLOWED_ORIGINS}
 * adds more. The {@code Host} header is not consulted, because a rebinding page controls it.
 * Immutable.
 */
final class AllowedOrigins {
    static final String VARIABLE = "TOLLGATE_MCP_ALLOWED_ORIGINS";
    private static final List<String> LOOPBACK_HOSTS = List.of("127.0.0.1", "localhost", "[::1]");

    private final Set<String> configured;

    private AllowedOrigins(Set<String> configured) {
        this.configured = Set.copyOf(configured);
    }

    /**
     * Reads the configured origins from {@code TOLLGATE_MCP_ALLOWED_ORIGINS} (comma-separated,
     * such as {@code https://app.example.com,http://localhost:5173}) and the public URL.
     *
     * @throws IllegalArgumentException naming the variable when an entry is not an http(s) origin
     */
    static AllowedOrigins from(Map<String, String> env, Optional<String> publicUrl) {
        Set<String> origins = new LinkedHashSet<>();
        publicUrl.ifPresent(url -> origins.add(Origins.of(url)));
        String list = env.getOrDefault(VARIABLE, "");
        for (String entry : list.split(",")) {
            String origin = entry.strip();
            if (!origin.isEmpty()) {
                origins.add(parseConfigured(origin));
            }
        }
        return new AllowedOrigins(origins);
    }

    private static String parseConfigured(String origin) {
        try {
            URI uri = URI.create(origin);
            boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty()
                    || uri.getRawPath().equals("/")) && uri.getRawQuery() == null
                    && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
            if (bare) {
                return Origins.of(origin);
            }
        } catch (IllegalArgumentException e) {
            // Reported below with the expected form.
        }
        throw new IllegalArgumentException(VARIABLE + " entry '" + origin + "' is not an"
                + " origin; write scheme, host and optional port, such as"
                + " https://app.example.com or http://localhost:5173");
    }

    /**
     * Returns whether a request with this {@code Origin} header value may call the server
     * listening on {@code port}; an absent header is allowed.
     */
    boolean allows(Optional<String> originHeader, int port) {
        if (originHeader.isEmpty()) {
            return true;
        }
        String origin;
        try {
            // "null" (an opaque origin, such as a sandboxed frame) has no scheme, so it fails here.
            origin = Origins.of(originHeader.get().strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (configured.contains(origin)) {
            return true;
        }
        return LOOPBACK_HOSTS.stream().anyMatch(host -> origin.equals("http://" + host + ":" + port)
                || port == 80 && origin.equals("http://" + host));
    }
}
