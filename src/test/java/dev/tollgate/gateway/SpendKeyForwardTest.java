package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.FakeProvider.Received;
import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.GatewayOnBothDatabases;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spend keys on {@code POST /v1/chat/completions} and {@code POST /v1/messages}, forwarded to
 * the fake provider: recorded spend, limits, key states and concurrency.
 */
class SpendKeyForwardTest extends GatewayOnBothDatabases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SANDBOX = TestServer.SANDBOX_KEY;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** gpt-4o-mini costs $0.15 per million input tokens and $0.60 per million output tokens. */
    private static final String OPENAI_CHAT = """
            {"id":"chatcmpl-spend1","object":"chat.completion","created":1767225600,
             "model":"gpt-4o-mini-2024-07-18",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},
                         "finish_reason":"stop"}],
             "usage":{"prompt_tokens":52,"completion_tokens":9,"total_tokens":61}}""";
    /** 52 x 0.15 / 1e6 + 9 x 0.60 / 1e6 = 0.0000078 + 0.0000054. */
    private static final String OPENAI_CHAT_COST = "0.0000132000";
    private static final String TINY_CHAT = """
            {"id":"chatcmpl-spend2","object":"chat.completion","created":1767225600,
             "model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant",
             "content":"k"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";
    private static final List<String> OPENAI_STREAM = List.of(
            "data: {\"id\":\"chatcmpl-spend3\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":"
                    + "{\"content\":\"Hi there\"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"chatcmpl-spend3\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":20,"
                    + "\"completion_tokens\":10,\"total_tokens\":30}}\n\n",
            "data: [DONE]\n\n");
    /** claude-haiku-4-5 costs $1 per million input tokens and $5 per million output tokens. */
    private static final String ANTHROPIC_MESSAGE = """
            {"id":"msg_spend1","type":"message","role":"assistant","model":"claude-haiku-4-5",
             "content":[{"type":"text","text":"Bonjour"}],"stop_reason":"end_turn",
             "usage":{"input_tokens":30,"output_tokens":4}}""";
    private static final String CHAT_REQUEST = """
            {"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}""";

    @BeforeEach
    void replies() {
        gateway.provider().on("/v1/chat/completions", request -> isStreaming(request)
                ? Reply.stream(OPENAI_STREAM) : Reply.json(200, OPENAI_CHAT));
        gateway.provider().on("/v1/messages", Reply.json(200, ANTHROPIC_MESSAGE));
    }

    /** A spend key: its id and the raw key. */
    private record Key(String id, String secret) {
    }

    private static Key createKey(String settings) {
        ApiResponse created = gateway.api().post(SANDBOX, "/v1/spend_keys",
                "{\"name\":\"Forward test\"" + (settings.isEmpty() ? "" : "," + settings) + "}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return new Key(created.at("/spend_key_id"), created.at("/key"));
    }

    private static JsonNode stored(Key key) {
        return gateway.api().get(SANDBOX, "/v1/spend_keys/" + key.id()).json();
    }

    private static HttpResponse<String> send(String path, Map<String, String> headers,
            String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.api().port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
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

    private static HttpResponse<String> chat(String secret, String body) {
        return send("/v1/chat/completions", Map.of("Authorization", "Bearer " + secret), body);
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(json(response).at("/error/code").asText()).as(response.body()).isEqualTo(code);
        assertThat(json(response).at("/error/message").asText()).isNotBlank();
    }

    private static boolean isStreaming(Received request) {
        try {
            return JSON.readTree(request.body()).path("stream").asBoolean(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int receivedCount() {
        return gateway.provider().received().size();
    }

    @Test
    void chatForwardedAndSpendRecorded() {
        Key key = createKey("");

        HttpResponse<String> response = chat(key.secret(), CHAT_REQUEST);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).at("/choices/0/message/content").asText()).isEqualTo("Hello!");
        Received upstream = gateway.provider().received().getLast();
        assertThat(upstream.path()).isEqualTo("/v1/chat/completions");
        assertThat(upstream.header("authorization")).isNull();
        assertThat(upstream.body()).doesNotContain(key.secret());
        JsonNode after = stored(key);
        assertThat(after.get("total_spend").asText()).isEqualTo(OPENAI_CHAT_COST);
        assertThat(after.get("current_spend").asText()).isEqualTo(OPENAI_CHAT_COST);
        assertThat(after.get("total_requests").asLong()).isEqualTo(1);
        assertThat(after.get("current_requests").asLong()).isEqualTo(1);
        assertThat(after.get("last_used_at").isTextual()).isTrue();
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        JsonNode record = gateway.api().get(SANDBOX, "/v1/requests/" + requestId).json();
        assertThat(record.get("customer_id").isNull()).as(record.toString()).isTrue();
        assertThat(record.get("provider").asText()).isEqualTo("openai");
        assertThat(record.get("cost").asText()).isEqualTo(OPENAI_CHAT_COST);
        assertThat(record.at("/model_usage/input_tokens").asLong()).isEqualTo(52);
    }

    @Test
    void streamRelayedAndSpendRecorded() {
        Key key = createKey("");

        HttpResponse<String> response = chat(key.secret(), """
                {"model":"gpt-4o-mini","stream":true,
                 "messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("Hi there").contains("[DONE]");
        // 20 x 0.15 / 1e6 + 10 x 0.60 / 1e6 = 0.000003 + 0.000006.
        assertThat(stored(key).get("total_spend").asText()).isEqualTo("0.0000090000");
    }

    @Test
    void anthropicShapeTakesApiKeyHeader() {
        Key key = createKey("\"request_shape\":\"anthropic\"");
        String body = """
                {"model":"claude-haiku-4-5","max_tokens":20,
                 "messages":[{"role":"user","content":"Salut"}]}""";

        HttpResponse<String> response = send("/v1/messages",
                Map.of("x-api-key", key.secret(), "anthropic-version", "2023-06-01"), body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).at("/content/0/text").asText()).isEqualTo("Bonjour");
        Received upstream = gateway.provider().received().getLast();
        assertThat(upstream.path()).isEqualTo("/v1/messages");
        assertThat(upstream.header("x-api-key")).isNull();
        assertThat(upstream.header("anthropic-version")).isEqualTo("2023-06-01");
        // 30 x 1 / 1e6 + 4 x 5 / 1e6 = 0.00003 + 0.00002.
        assertThat(stored(key).get("total_spend").asText()).isEqualTo("0.0000500000");
        assertError(chat(key.secret(), CHAT_REQUEST), 403, "request_shape_mismatch");
    }

    @Test
    void modelMissingOrNotTextGets400() {
        Key key = createKey("");
        int before = receivedCount();

        assertError(chat(key.secret(), "{\"messages\":[]}"), 400, "missing_field");
        assertError(chat(key.secret(), "{\"model\":123,\"messages\":[]}"), 400, "wrong_type");
        assertError(chat(key.secret(), "{\"model\":[\"x\"],\"messages\":[]}"), 400,
                "wrong_type");
        assertThat(receivedCount()).isEqualTo(before);
    }

    @Test
    void openAiKeyRejectedOnMessages() {
        Key key = createKey("");

        HttpResponse<String> response = send("/v1/messages",
                Map.of("Authorization", "Bearer " + key.secret()), CHAT_REQUEST);

        assertError(response, 403, "request_shape_mismatch");
    }

    @Test
    void modelAndProviderRestrictionsEnforced() {
        Key models = createKey("\"allowed_models\":[\"gpt-4.1-mini\"]");
        Key providers = createKey("\"allowed_providers\":[\"anthropic\"]");
        Key open = createKey("");
        int before = receivedCount();

        assertError(chat(models.secret(), CHAT_REQUEST), 403, "model_not_allowed");
        assertError(chat(providers.secret(), CHAT_REQUEST), 403, "provider_not_allowed");
        assertError(chat(open.secret(), "{\"model\":\"no-such-model\",\"messages\":[]}"), 400,
                "invalid_value");
        assertError(chat(open.secret(), "{\"messages\":[]}"), 400, "missing_field");
        assertError(chat(open.secret(), "not json"), 400, "invalid_json");
        assertThat(receivedCount()).isEqualTo(before);
    }

    @Test
    void spendLimitReachedGets402() {
        // The first request's largest cost fits, its actual cost passes the limit, and the
        // next request is rejected.
        Key key = createKey("\"spend_limit\":{\"amount\":\"0.00001\",\"cycle\":\"daily\"}");

        HttpResponse<String> first = chat(key.secret(), CHAT_REQUEST);
        int before = receivedCount();
        HttpResponse<String> second = chat(key.secret(), CHAT_REQUEST);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertError(second, 402, "spend_limit_reached");
        assertThat(receivedCount()).isEqualTo(before);
        JsonNode after = stored(key);
        assertThat(after.get("current_spend").asText()).isEqualTo(OPENAI_CHAT_COST);
        assertThat(after.get("total_requests").asLong()).isEqualTo(1);
    }

    @Test
    void requestAboveSpendLimitGets402() {
        Key key = createKey("\"spend_limit\":{\"amount\":\"0.001\",\"cycle\":\"monthly\"}");
        int before = receivedCount();

        // 100,000 output tokens at $0.60 per million may cost $0.06, above the $0.001 limit.
        HttpResponse<String> response = chat(key.secret(), """
                {"model":"gpt-4o-mini","max_tokens":100000,
                 "messages":[{"role":"user","content":"Hi"}]}""");

        assertError(response, 402, "spend_limit_reached");
        assertThat(receivedCount()).isEqualTo(before);
        assertThat(stored(key).get("total_spend").asText()).isEqualTo("0.0000000000");
    }

    @Test
    void requestLimitReachedGets429() {
        Key key = createKey("\"request_limit\":{\"count\":2,\"cycle\":\"total\"}");

        assertThat(chat(key.secret(), CHAT_REQUEST).statusCode()).isEqualTo(200);
        assertThat(chat(key.secret(), CHAT_REQUEST).statusCode()).isEqualTo(200);
        HttpResponse<String> third = chat(key.secret(), CHAT_REQUEST);

        assertError(third, 429, "request_limit_reached");
        assertThat(stored(key).get("current_requests").asLong()).isEqualTo(2);
    }

    @Test
    void rateLimitGets429WithRetryAfter() {
        Key key = createKey("\"rate_limit\":{\"rpm\":1,\"burst\":2}");

        assertThat(chat(key.secret(), CHAT_REQUEST).statusCode()).isEqualTo(200);
        assertThat(chat(key.secret(), CHAT_REQUEST).statusCode()).isEqualTo(200);
        HttpResponse<String> third = chat(key.secret(), CHAT_REQUEST);

        assertError(third, 429, "rate_limit_exceeded");
        long retryAfter = Long.parseLong(third.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(stored(key).get("total_requests").asLong()).isEqualTo(2);
    }

    @Test
    void pausedKeyGets403() {
        Key key = createKey("\"status\":\"paused\"");

        assertError(chat(key.secret(), CHAT_REQUEST), 403, "spend_key_paused");

        gateway.api().send(SANDBOX, "PUT", "/v1/spend_keys/" + key.id(),
                "{\"status\":\"active\"}");
        assertThat(chat(key.secret(), CHAT_REQUEST).statusCode()).isEqualTo(200);
    }

    @Test
    void expiredKeyGets401() {
        Key key = createKey("");
        gateway.api().server().database().jdbi().useHandle(handle -> handle
                .createUpdate("UPDATE spend_keys SET expires_at = :past WHERE id = :id")
                .bind("past", Timestamps.format(Instant.now().minusSeconds(1)))
                .bind("id", key.id())
                .execute());

        HttpResponse<String> response = chat(key.secret(), CHAT_REQUEST);

        assertError(response, 401, "invalid_api_key");
        assertThat(json(response).at("/error/message").asText()).contains("expired");
    }

    @Test
    void rotatedAndRevokedKeysGet401() {
        Key key = createKey("");
        ApiResponse rotated = gateway.api().post(SANDBOX,
                "/v1/spend_keys/" + key.id() + "/rotate", "");
        String newSecret = rotated.at("/key");

        assertError(chat(key.secret(), CHAT_REQUEST), 401, "invalid_api_key");
        assertThat(chat(newSecret, CHAT_REQUEST).statusCode()).isEqualTo(200);

        gateway.api().delete(SANDBOX, "/v1/spend_keys/" + key.id());
        assertError(chat(newSecret, CHAT_REQUEST), 401, "invalid_api_key");
    }

    @Test
    void secretKeyRejectedOnChatEndpoint() {
        assertError(chat(SANDBOX, CHAT_REQUEST), 401, "invalid_api_key");
        assertError(send("/v1/chat/completions", Map.of(), CHAT_REQUEST), 401,
                "invalid_api_key");
    }

    @Test
    void spendKeyRejectedOnForward() {
        Key key = createKey("");

        HttpResponse<String> response = send(
                "/v1/forward?u=https://api.openai.com/v1/chat/completions",
                Map.of("Authorization", "Bearer " + key.secret()), CHAT_REQUEST);

        assertError(response, 401, "invalid_api_key");
        assertThat(json(response).at("/error/message").asText()).contains("/v1/chat/completions");
    }

    @Test
    void concurrentRequestsStayWithinRequestLimit() throws Exception {
        Key key = createKey("\"request_limit\":{\"count\":5,\"cycle\":\"daily\"}");

        List<Integer> statuses = concurrently(20, () -> chat(key.secret(), CHAT_REQUEST)
                .statusCode());

        assertThat(statuses).filteredOn(status -> status == 200).hasSize(5);
        assertThat(statuses).filteredOn(status -> status == 429).hasSize(15);
        assertThat(stored(key).get("current_requests").asLong()).isEqualTo(5);
    }

    @Test
    void concurrentRequestsStayWithinSpendLimit() throws Exception {
        gateway.provider().on("/v1/chat/completions", Reply.json(200, TINY_CHAT));
        // Each request may cost about $0.0000075 (its prompt and 10 output tokens) and costs
        // $0.00000075 (1 + 1 tokens), so holds, not settled spend, stop the burst.
        Key key = createKey("\"spend_limit\":{\"amount\":\"0.00003\",\"cycle\":\"total\"}");

        List<Integer> statuses = concurrently(20, () -> chat(key.secret(), CHAT_REQUEST)
                .statusCode());

        assertThat(statuses).containsOnly(200, 402);
        assertThat(statuses).contains(200);
        JsonNode after = stored(key);
        long admitted = statuses.stream().filter(status -> status == 200).count();
        assertThat(after.get("total_requests").asLong()).isEqualTo(admitted);
        assertThat(new java.math.BigDecimal(after.get("total_spend").asText()))
                .isLessThanOrEqualTo(new java.math.BigDecimal("0.00003"));
    }

    private static <T> List<T> concurrently(int count, Callable<T> task) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }
}
