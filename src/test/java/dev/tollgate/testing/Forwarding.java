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

/** Requests to a test server's forward endpoint. */
public final class Forwarding {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private Forwarding() {
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
