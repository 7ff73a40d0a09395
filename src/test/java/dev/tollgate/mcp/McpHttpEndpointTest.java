package dev.tollgate.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP rules of {@code /mcp}: methods, origins, keys, headers and message shapes. */
class McpHttpEndpointTest extends BothDatabases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String KEY = TestServer.SANDBOX_KEY;
    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";

    @Test
    void requestGetsJsonResponse() {
        HttpResponse<String> response = post(json(KEY), PING);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(body(response).path("id").asInt()).isEqualTo(7);
        assertThat(body(response).has("result")).isTrue();
    }

    @Test
    void notificationAndResponseGet202() {
        HttpResponse<String> notification = post(json(KEY),
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        HttpResponse<String> reply = post(json(KEY),
                "{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"result\":{}}");

        assertThat(notification.statusCode()).isEqualTo(202);
        assertThat(notification.body()).isEmpty();
        assertThat(reply.statusCode()).isEqualTo(202);
        assertThat(reply.body()).isEmpty();
    }

    @Test
    void getAndDeleteGet405WithAllow() {
        for (String method : List.of("GET", "DELETE", "PUT")) {
            HttpResponse<String> response = send(method, Map.of("Authorization", "Bearer " + KEY),
                    null);

            assertThat(response.statusCode()).as(method).isEqualTo(405);
            assertThat(response.headers().firstValue("allow")).as(method)
                    .hasValue("POST, OPTIONS");
            assertThat(body(response).at("/error/message").asText()).as(method)
                    .contains("send each JSON-RPC message with POST");
        }
    }

    @Test
    void missingKeyGets401() {
        Map<String, String> headers = json(KEY);
        headers.remove("Authorization");

        HttpResponse<String> response = post(headers, PING);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("www-authenticate"))
                .hasValue("Bearer realm=\"tollgate\"");
        assertThat(body(response).at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(body(response).at("/error/message").asText())
                .contains("Authorization: Bearer");
    }

    @Test
    void wrongKeyGets401() {
        HttpResponse<String> response = post(json("aks_test_" + "W".repeat(40)), PING);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("www-authenticate"))
                .hasValue("Bearer realm=\"tollgate\", error=\"invalid_token\"");
        assertThat(body(response).at("/error/code").asText()).isEqualTo("invalid_api_key");
    }

    @Test
    void foreignOriginGets403BeforeKeyCheck() {
        Map<String, String> headers = json(KEY);
        headers.remove("Authorization");
        headers.put("Origin", "http://rebound.example:" + server.port());

        HttpResponse<String> response = post(headers, PING);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(body(response).at("/error/code").asText()).isEqualTo("origin_not_allowed");
        assertThat(body(response).at("/error/message").asText())
                .contains("TOLLGATE_MCP_ALLOWED_ORIGINS");
    }

    @Test
    void ownOriginIsAllowed() {
        Map<String, String> headers = json(KEY);
        String origin = "http://localhost:" + server.port();
        headers.put("Origin", origin);

        HttpResponse<String> response = post(headers, PING);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue(origin);
    }

    @Test
    void preflightFromOwnOriginListsHeaders() {
        String origin = "http://127.0.0.1:" + server.port();

        HttpResponse<String> response = send("OPTIONS", Map.of("Origin", origin,
                "Access-Control-Request-Method", "POST"), null);

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue(origin);
        assertThat(response.headers().firstValue("access-control-allow-headers").orElse(""))
                .contains("Authorization", "MCP-Protocol-Version");
    }

    /** One rejected request: what to change from a valid one, and the error expected. */
    private record Rejected(String name, Map<String, String> headers, String body, int status,
            int code, String messagePart) {
    }

    @Test
    void invalidRequestsGet4xxJsonRpcErrors() {
        Map<String, String> textPlain = json(KEY);
        textPlain.put("Content-Type", "text/plain");
        Map<String, String> html = json(KEY);
        html.put("Accept", "text/html");
        Map<String, String> oldVersion = json(KEY);
        oldVersion.put("MCP-Protocol-Version", "1999-01-01");
        List<Rejected> cases = List.of(
                new Rejected("content type", textPlain, PING, 415, -32600, "Content-Type"),
                new Rejected("accept", html, PING, 406, -32600, "Accept"),
                new Rejected("protocol version", oldVersion, PING, 400, -32600,
                        "MCP-Protocol-Version"),
                new Rejected("malformed", json(KEY), "{\"jsonrpc\":", 400, -32700,
                        "not valid JSON"),
                new Rejected("duplicate field", json(KEY),
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}", 400,
                        -32700, "Duplicate field 'id'"),
                new Rejected("empty", json(KEY), "", 400, -32600, "empty"),
                new Rejected("batch", json(KEY), "[" + PING + "]", 400, -32600, "batches"),
                new Rejected("version field", json(KEY), "{\"id\":1,\"method\":\"ping\"}", 400,
                        -32600, "'jsonrpc'"),
                new Rejected("null id", json(KEY),
                        "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", 400, -32600,
                        "'id'"),
                new Rejected("id out of range", json(KEY),
                        "{\"jsonrpc\":\"2.0\",\"id\":99999999999999999999999,"
                                + "\"method\":\"tools/list\"}", 400, -32600, "'id'"),
                new Rejected("params type", json(KEY),
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[]}", 400,
                        -32600, "'params'"));
        for (Rejected rejected : cases) {
            HttpResponse<String> response = post(rejected.headers(), rejected.body());

            assertThat(response.statusCode()).as(rejected.name()).isEqualTo(rejected.status());
            assertThat(body(response).at("/error/code").asInt()).as(rejected.name())
                    .isEqualTo(rejected.code());
            assertThat(body(response).at("/error/message").asText()).as(rejected.name())
                    .contains(rejected.messagePart());
        }
    }

    @Test
    void bodyOverLimitGets413() {
        String padding = " ".repeat(StatelessHttpTransport.MAX_BODY_BYTES);

        HttpResponse<String> response = post(json(KEY), PING + padding);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(body(response).at("/error/message").asText()).contains("larger than");
    }

    @Test
    void invalidToolParamsGetJsonRpcError() {
        HttpResponse<String> response = post(json(KEY), "{\"jsonrpc\":\"2.0\",\"id\":3,"
                + "\"method\":\"tools/call\",\"params\":{\"name\":\"meters_get\","
                + "\"arguments\":\"prd_1\"}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body(response).path("id").asInt()).isEqualTo(3);
        assertThat(body(response).at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(body(response).at("/error/message").asText()).contains("'params.arguments'");
    }

    @Test
    void unknownPromptModelGetsToolError() {
        HttpResponse<String> response = post(json(KEY), "{\"jsonrpc\":\"2.0\",\"id\":5,"
                + "\"method\":\"tools/call\",\"params\":{\"name\":\"prompt\",\"arguments\":"
                + "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}]}}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body(response).at("/result/isError").asBoolean()).isTrue();
        assertThat(body(response).at("/result/content/0/text").asText()).isEqualTo(
                "Invalid argument 'model': it is 'no-such-model', which is not in the price"
                        + " catalogue. Use the search tool to find a model, or pass"
                        + " provider_url.");
    }

    @Test
    void loginIsNotServed() {
        HttpResponse<String> response = post(json(KEY), "{\"jsonrpc\":\"2.0\",\"id\":4,"
                + "\"method\":\"tools/call\",\"params\":{\"name\":\"login\",\"arguments\":{}}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body(response).at("/error/code").asInt()).isEqualTo(-32602);
    }

    private static Map<String, String> json(String key) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + key);
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json, text/event-stream");
        return headers;
    }

    private static HttpResponse<String> post(Map<String, String> headers, String body) {
        return send("POST", headers, body);
    }

    private static HttpResponse<String> send(String method, Map<String, String> headers,
            String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + McpHttpEndpoint.PATH))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode body(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
