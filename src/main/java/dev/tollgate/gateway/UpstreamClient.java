package dev.tollgate.gateway;

import dev.tollgate.core.ApiError;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends a request to the provider over HTTP/1.1 with the JDK client and returns the response
 * with its body as a stream, read on the caller's (virtual) thread. Thread-safe.
 */
final class UpstreamClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Time allowed until the response headers arrive; a stream's body has no overall limit. */
    static final Duration MAX_WAIT_FOR_HEADERS = Duration.ofMinutes(10);

    /** Request headers never passed upstream: hop-by-hop, credentials, and our own. */
    private static final Set<String> DROPPED_REQUEST_HEADERS = Set.of("host", "connection",
            "content-length", "transfer-encoding", "keep-alive", "upgrade", "expect", "te",
            "trailer", "proxy-authorization", "proxy-connection", "authorization", "x-api-key",
            "x-goog-api-key", "xi-api-key", "accept-encoding", "cookie", "x-lava-metadata",
            "x-forwarded-for", "x-real-ip", "forwarded", "http2-settings");
    /**
     * Request headers that choose which of the key owner's accounts pays. They are dropped when
     * Tollgate sends its own provider key, so a caller cannot bill another organization or
     * project of the operator.
     */
    private static final Set<String> ACCOUNT_HEADERS = Set.of("openai-organization",
            "openai-project");

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** The provider's response; the caller must close {@code body}. */
    record Response(int status, Map<String, List<String>> headers, InputStream body) {
    }

    Response send(UpstreamTarget target, String method, Map<String, List<String>> clientHeaders,
            String authHeader, String authValue, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.connectUri())
                .timeout(MAX_WAIT_FOR_HEADERS)
                .method(method, body.length == 0 && (method.equals("GET") || method.equals("HEAD"))
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        clientHeaders.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!DROPPED_REQUEST_HEADERS.contains(lower) && !lower.startsWith("x-lava-")
                    && !(authHeader != null && ACCOUNT_HEADERS.contains(lower))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        // Identity encoding lets the gateway read usage from the body it relays.
        request.header("Accept-Encoding", "identity");
        if (authHeader != null) {
            request.setHeader(authHeader, authValue);
        }
        try {
            HttpResponse<InputStream> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (HttpTimeoutException e) {
            throw ApiError.upstream(504, "upstream_timeout", "The provider did not respond within "
                    + MAX_WAIT_FOR_HEADERS.toMinutes() + " minutes.");
        } catch (ConnectException e) {
            throw ApiError.upstream(502, "upstream_unreachable", "Cannot connect to the provider at "
                    + target.connectUri().getHost() + ".");
        } catch (IOException e) {
            throw ApiError.upstream(502, "upstream_failed", "The connection to the provider failed: "
                    + e.getClass().getSimpleName() + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.upstream(502, "upstream_failed", "The request was interrupted.");
        }
    }
}
