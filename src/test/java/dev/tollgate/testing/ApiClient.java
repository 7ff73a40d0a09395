package dev.tollgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for the API of one Tollgate node on 127.0.0.1. Thread-safe. */
public final class ApiClient {
    /** How long one request may take before it fails, so that a hung node fails the test. */
    public static final Duration MAX_REQUEST_TIME = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;
    private final HttpClient client = HttpClient.newHttpClient();

    public ApiClient(int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    public ApiResponse get(String key, String path) {
        return send(key, "GET", path, null);
    }

    public ApiResponse delete(String key, String path) {
        return send(key, "DELETE", path, null);
    }

    public ApiResponse post(String key, String path, String json) {
        return send(key, "POST", path, json);
    }

    public ApiResponse patch(String key, String path, String json) {
        return send(key, "PATCH", path, json);
    }

    /** Sends a request; {@code key} may be null for no Authorization header. */
    public ApiResponse send(String key, String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + path))
                .timeout(MAX_REQUEST_TIME);
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        request.header("Content-Type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        try {
            HttpResponse<String> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            JsonNode body = text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
            return new ApiResponse(response.statusCode(), body, text);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " on port " + port + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
