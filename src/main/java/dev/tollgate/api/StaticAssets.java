package dev.tollgate.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Files served from the class path under {@code static/}, read once and kept in memory. */
final class StaticAssets {
    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

    private StaticAssets() {
    }

    /**
     * Sends a file with a content type chosen by its extension.
     *
     * @param crossOrigin whether pages on other origins may load it, as module scripts need CORS
     */
    static void send(ServerResponse response, String path, boolean crossOrigin) {
        byte[] content = CACHE.computeIfAbsent("static/" + path, StaticAssets::read);
        response.header(HeaderNames.CONTENT_TYPE, path.endsWith(".css")
                ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
        response.header(HeaderNames.CACHE_CONTROL, "no-cache");
        response.header("X-Content-Type-Options", "nosniff");
        if (crossOrigin) {
            response.header("Access-Control-Allow-Origin", "*");
        }
        response.send(content);
    }

    /** Reads a class path resource such as {@code static/js/checkout.js}. */
    static byte[] read(String resource) {
        try (InputStream in = StaticAssets.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing class path resource " + resource
                        + "; rebuild with ./mvnw package");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
