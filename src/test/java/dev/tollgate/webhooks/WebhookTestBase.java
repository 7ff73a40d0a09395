package dev.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Base of webhook tests: for each database, one server on a {@link MutableClock} that may call
 * loopback endpoints with a 1-second attempt timeout, and one {@link Receiver}.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
abstract class WebhookTestBase {
    static final String KEY = TestServer.SANDBOX_KEY;
    static final Map<String, String> ENV = Map.of("TOLLGATE_WEBHOOK_ALLOW_LOOPBACK", "true",
            "TOLLGATE_WEBHOOK_TIMEOUT_MS", "1000");
    static final Duration MAX_WAIT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(50);

    @Parameter
    protected DatabaseKind database;

    protected static MutableClock clock;
    protected static TestServer server;
    protected static Receiver receiver;

    @BeforeParameterizedClassInvocation
    static void startServer(DatabaseKind database) {
        clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
        receiver = new Receiver();
        server = TestServer.start(database, clock, ENV);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
        receiver.close();
    }

    static JsonNode ok(ApiResponse response) {
        assertThat(response.status()).as(response.text()).isLessThan(300);
        return response.json();
    }

    /** Creates an endpoint for {@code url}, limited to {@code events} when any are given. */
    static JsonNode createWebhook(String url, String... events) {
        String filter = events.length == 0 ? ""
                : ",\"events\":[\"" + String.join("\",\"", events) + "\"]";
        return ok(server.post(KEY, "/v1/webhooks", "{\"name\":\"Receiver\",\"url\":\"" + url
                + "\"" + filter + "}"));
    }

    static List<JsonNode> deliveries(String webhookId) {
        List<JsonNode> all = new ArrayList<>();
        ok(server.get(KEY, "/v1/webhooks/" + webhookId + "/deliveries?limit=100")).get("data")
                .forEach(all::add);
        return all;
    }

    /** Waits until {@code condition} holds, failing with {@code what} after {@link #MAX_WAIT}. */
    static <T> T await(String what, Supplier<T> value, Predicate<T> condition) {
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        T current = value.get();
        while (!condition.test(current)) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what + "; last value: "
                    + current).isLessThan(deadline);
            sleep(POLL);
            current = value.get();
        }
        return current;
    }

    /** Waits for the endpoint's single delivery to match {@code condition} and returns it. */
    static JsonNode awaitDelivery(String webhookId, String what, Predicate<JsonNode> condition) {
        return await(what, () -> deliveries(webhookId),
                list -> list.size() == 1 && condition.test(list.get(0))).get(0);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
