package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.FakeProvider;
import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two server nodes on one PostgreSQL schema, each with its own writer, take concurrent requests
 * of one spend key. Their admissions race on the key's row, and the limits must still hold.
 */
class SpendKeyTwoNodeTest {
    private static final String SANDBOX = TestServer.SANDBOX_KEY;
    private static final int REQUESTS = 40;
    private static final String CHAT = """
            {"id":"chatcmpl-two","object":"chat.completion","created":1,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},
                         "finish_reason":"stop"}],
             "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";
    private static final String CHAT_REQUEST = """
            {"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}""";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private FakeProvider provider;
    private TestServer first;
    private TestServer second;

    @BeforeEach
    void startNodes() {
        provider = new FakeProvider();
        provider.on("/v1/chat/completions", Reply.json(200, CHAT));
        Map<String, String> env = Map.of("TOLLGATE_UPSTREAM_OVERRIDES",
                GatewayServer.FAKE_HOSTS.stream()
                        .map(host -> host + "=" + provider.baseUrl())
                        .collect(Collectors.joining(",")));
        first = TestServer.start(DatabaseKind.POSTGRESQL, Clock.systemUTC(), env);
        second = TestServer.startOn(first.database(), Clock.systemUTC(), env);
    }

    @AfterEach
    void stopNodes() {
        first.stopKeepingDatabase();
        second.close();
        provider.close();
    }

    private String createKey(String limit) {
        ApiResponse created = first.post(SANDBOX, "/v1/spend_keys",
                "{\"name\":\"Two nodes\"," + limit + "}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.at("/key");
    }

    private static int chat(TestServer node, String secret) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.port() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + secret)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT_REQUEST))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends the requests concurrently, alternating between the two nodes. */
    private List<Integer> sendFromBothNodes(String secret) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                TestServer node = i % 2 == 0 ? first : second;
                futures.add(pool.submit(() -> chat(node, secret)));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> future : futures) {
                statuses.add(future.get());
            }
            return statuses;
        }
    }

    private ApiResponse storedKey() {
        ApiResponse list = first.get(SANDBOX, "/v1/spend_keys?limit=1");
        return first.get(SANDBOX, "/v1/spend_keys/" + list.at("/data/0/spend_key_id"));
    }

    @Test
    void requestLimitHoldsAcrossNodes() throws Exception {
        String secret = createKey("\"request_limit\":{\"count\":10,\"cycle\":\"total\"}");

        List<Integer> statuses = sendFromBothNodes(secret);

        assertThat(statuses).filteredOn(status -> status == 200).hasSize(10);
        assertThat(statuses).filteredOn(status -> status == 429).hasSize(REQUESTS - 10);
        assertThat(storedKey().json().get("total_requests").asLong()).isEqualTo(10);
    }

    @Test
    void spendLimitHoldsAcrossNodes() throws Exception {
        // Each request may cost about $0.0000075 and costs $0.00000075, so the holds of
        // requests in flight on both nodes are what stops them.
        String secret = createKey("\"spend_limit\":{\"amount\":\"0.00003\",\"cycle\":\"total\"}");

        List<Integer> statuses = sendFromBothNodes(secret);

        assertThat(statuses).containsOnly(200, 402);
        assertThat(statuses).contains(200);
        ApiResponse key = storedKey();
        long admitted = statuses.stream().filter(status -> status == 200).count();
        assertThat(key.json().get("total_requests").asLong()).isEqualTo(admitted);
        assertThat(new BigDecimal(key.json().get("total_spend").asText()))
                .isLessThanOrEqualTo(new BigDecimal("0.00003"));
    }
}
