package dev.tollgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Requests to a test server's forward endpoint. */
public final class Forwarding {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private Forwarding() {
    }

    /**
     * Starts a request to {@code pathAndQuery} of the server, taken as written, such as
     * {@code /v1/forward?u=https://api.openai.com/v1/chat/completions}, with no credential.
     */
    public static HttpRequest.Builder to(TestServer server, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
                .header("Content-Type", "application/json");
    }

    /** Encodes a forward token from its JSON, as {@code lava.generateForwardToken()} does. */
    public static String token(String json) {
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpRequest request(TestServer server, String credential, String upstreamUrl,
            String json) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/v1/forward?u=" + URLEncoder.encode(upstreamUrl, StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + credential)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    public static HttpResponse<String> post(TestServer server, String credential, String upstreamUrl,
            String json) {
        return send(request(server, credential, upstreamUrl, json), HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<InputStream> open(TestServer server, String credential,
            String upstreamUrl, String json) {
        return send(request(server, credential, upstreamUrl, json),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    public static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return CLIENT.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
