package dev.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testing.TestDatabase;
import dev.tollgate.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Pending deliveries survive a stop and are sent by the next server on the database. */
class DeliveryRestartTest {
    private static final String KEY = TestServer.SANDBOX_KEY;

    private static JsonNode ok(ApiResponse response) {
        assertThat(response.status()).as(response.text()).isLessThan(300);
        return response.json();
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void restartMidRetryLosesNoEvent(DatabaseKind kind) {
        MutableClock clock = new MutableClock(Instant.parse("2026-04-01T08:00:00Z"));
        TestDatabase database = TestDatabase.create(kind);
        try (Receiver receiver = new Receiver()) {
            String url = receiver.url(500);
            TestServer first = TestServer.startOn(database, clock, WebhookTestBase.ENV);
            String webhookId = ok(first.post(KEY, "/v1/webhooks", "{\"name\":\"r\",\"url\":\""
                    + url + "\"}")).get("webhook_id").asText();
            ok(first.post(KEY, "/v1/webhooks/" + webhookId + "/test", ""));
            WebhookTestBase.await("the first attempt", () -> attempts(first, webhookId),
                    n -> n == 1);
            String customerId = ok(first.post(KEY, "/v1/customers", "{}")).get("customer_id")
                    .asText();
            first.stopKeepingDatabase();

            TestServer second = TestServer.startOn(database, clock, WebhookTestBase.ENV);
            try {
                clock.advance(Duration.ofSeconds(10));
                List<Receiver.Received> received = WebhookTestBase.await("every event",
                        () -> receiver.received(url), list -> list.size() == 4);
                List<String> events = received.stream()
                        .map(r -> r.json().get("event").asText()).toList();
                assertThat(events).containsExactlyInAnyOrder("webhook.test", "webhook.test",
                        "customer.created", "subscription.created");
                assertThat(received.stream().filter(r -> r.json().get("event").asText()
                        .equals("customer.created")).findFirst().orElseThrow().json()
                        .at("/data/customer_id").asText()).isEqualTo(customerId);
                WebhookTestBase.await("every delivery to succeed", () -> succeeded(second,
                        webhookId), n -> n == 3);
            } finally {
                second.close();
            }
        }
    }

    private static int attempts(TestServer server, String webhookId) {
        JsonNode data = ok(server.get(KEY, "/v1/webhooks/" + webhookId + "/deliveries"))
                .get("data");
        return data.isEmpty() ? 0 : data.get(0).get("attempts").asInt();
    }

    private static long succeeded(TestServer server, String webhookId) {
        JsonNode data = ok(server.get(KEY, "/v1/webhooks/" + webhookId + "/deliveries"))
                .get("data");
        int count = 0;
        for (JsonNode delivery : data) {
            count += delivery.get("status").asText().equals("succeeded") ? 1 : 0;
        }
        return count;
    }
}
