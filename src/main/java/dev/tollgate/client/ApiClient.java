package dev.tollgate.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A small client of a Tollgate server's HTTP API, used by the command line and the MCP server.
 * Management calls send the secret key as a bearer token and return the parsed JSON reply.
 * Thread-safe.
 */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Management calls are short; gateway calls may wait on a slow model. */
    private static final Duration API_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration GATEWAY_TIMEOUT = Duration.ofMinutes(10);

    private final URI baseUrl;
    private final String secretKey;
    private final HttpClient http;

    /**
     * @param baseUrl the server's root URL, such as {@code http://127.0.0.1:8080}
     * @param secretKey the key sent with every call; may be null for calls that need none
     */
    public ApiClient(String baseUrl, String secretKey) {
        this(URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/"), secretKey,
                HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build());
    }

    private ApiClient(URI baseUrl, String secretKey, HttpClient http) {
        this.baseUrl = baseUrl;
        this.secretKey = secretKey;
        this.http = http;
    }

    /** A gateway reply: the status, the body text and the request id Tollgate assigned. */
    public record GatewayReply(int status, String body, String requestId) {
    }

    public String baseUrl() {
        return baseUrl.toString();
    }

    /** Returns the key this client sends, for building forward tokens. */
    public java.util.Optional<String> secretKey() {
        return java.util.Optional.ofNullable(secretKey);
    }

    /**
     * Returns a copy that sends {@code newKey}. The copy shares this client's connection pool,
     * so a server may create one per request.
     */
    public ApiClient withKey(String newKey) {
        return new ApiClient(baseUrl, newKey, http);
    }

    public JsonNode get(String path, Map<String, String> query) {
        return send("GET", path + queryString(query), null);
    }

    public JsonNode post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /**
     * Sends a management request.
     *
     * @throws ApiException with the server's error message for a reply of 400 or above, or
     *     status 0 when the server cannot be reached
     */
    public JsonNode send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = request(path, API_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (secretKey != null) {
            request.header("Authorization", "Bearer " + secretKey);
        }
        HttpResponse<String> response = exchange(request.build());
        JsonNode json = parse(response.body());
        if (response.statusCode() >= 400) {
            throw new ApiException(response.statusCode(), errorMessage(response.statusCode(), json));
        }
        return json;
    }

    /**
     * Sends a provider request through the gateway's {@code /v1/forward}. The reply is returned
     * whatever its status, because provider errors are the caller's to read.
     *
     * @param credential the secret key or a forward token
     * @throws ApiException with status 0 when the server cannot be reached
     */
    public GatewayReply forward(String method, String providerUrl, String credential,
            String body) {
        HttpRequest request = request("v1/forward?u="
                + URLEncoder.encode(providerUrl, StandardCharsets.UTF_8), GATEWAY_TIMEOUT)
                .header("Authorization", "Bearer " + credential)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = exchange(request);
        return new GatewayReply(response.statusCode(), response.body(),
                response.headers().firstValue("x-request-id").orElse(null));
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return HttpRequest.newBuilder(baseUrl.resolve(relative))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json");
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ApiException(0, "Cannot reach the Tollgate server at " + baseUrl + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                    : " " + e.getMessage()) + ". Check --url or TOLLGATE_URL.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "Interrupted while calling " + request.uri());
        }
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    private static String errorMessage(int status, JsonNode json) {
        JsonNode error = json.path("error");
        String message = error.path("message").asText("");
        if (message.isEmpty()) {
            return "HTTP " + status + ": " + (json.isTextual() ? json.asText() : json.toString());
        }
        String param = error.path("param").asText("");
        return message + (param.isEmpty() ? "" : " (param: " + param + ")")
                + " [HTTP " + status + "]";
    }

    /**
     * Percent-encodes {@code value} as one URL path segment (RFC 3986), so a space becomes
     * {@code %20} and a slash {@code %2F}. Form encoding would send a space as {@code +}, which
     * a path keeps as a plus sign.
     */
    public static String pathSegment(String value) {
        String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        // "." and ".." would be removed from the path as dot segments.
        return encoded.equals(".") || encoded.equals("..") ? encoded.replace(".", "%2E")
                : encoded;
    }

    private static String queryString(Map<String, String> query) {
        StringJoiner joined = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                joined.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return joined.toString();
    }
}
