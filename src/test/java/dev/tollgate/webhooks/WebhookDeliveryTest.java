package dev.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class WebhookDeliveryTest extends WebhookTestBase {

    private static JsonNode sendTest(String webhookId) {
        return ok(server.post(KEY, "/v1/webhooks/" + webhookId + "/test", ""));
    }

    /** Moves the clock past the longest jittered wait after failed attempt {@code attempt}. */
    private static void passRetryDelay(int attempt) {
        Duration delay = RetrySchedule.DELAYS.get(attempt - 1);
        clock.advance(Duration.ofMillis(Math.round(delay.toMillis() * RetrySchedule.MAX_JITTER))
                .plusSeconds(1));
    }

    @Test
    void signaturesVerifyWithPlainHmac() throws Exception {
        String url = receiver.url();
        JsonNode webhook = createWebhook(url);
        String secret = webhook.get("webhook_secret").asText();
        sendTest(webhook.get("webhook_id").asText());

        Receiver.Received request = await("the test event", () -> receiver.received(url),
                list -> !list.isEmpty()).get(0);

        Mac hex = Mac.getInstance("HmacSHA256");
        hex.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expectedHex = HexFormat.of().formatHex(hex.doFinal(request.body()))
                .getBytes(StandardCharsets.UTF_8);
        byte[] givenHex = request.headers().get("x-webhook-signature")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(MessageDigest.isEqual(expectedHex, givenHex)).isTrue();

        Mac standard = Mac.getInstance("HmacSHA256");
        standard.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)),
                "HmacSHA256"));
        String id = request.headers().get("webhook-id");
        String timestamp = request.headers().get("webhook-timestamp");
        standard.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "v1," + Base64.getEncoder().encodeToString(
                standard.doFinal(request.body()));
        assertThat(request.headers().get("webhook-signature")).isEqualTo(expected);
        assertThat(timestamp).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
        assertThat(id).isEqualTo(request.json().get("id").asText());
        assertThat(request.json().get("event").asText()).isEqualTo("webhook.test");
        assertThat(request.json().has("created_at")).isTrue();
        assertThat(request.json().at("/data/webhook_id").asText())
                .isEqualTo(webhook.get("webhook_id").asText());
    }

    @Test
    void failingReceiverGetsEventLater() {
        String url = receiver.url(500, 503);
        String webhookId = createWebhook(url).get("webhook_id").asText();
        sendTest(webhookId);

        for (int attempt = 1; attempt <= 2; attempt++) {
            int done = attempt;
            JsonNode delivery = awaitDelivery(webhookId, "attempt " + attempt,
                    d -> d.get("attempts").asInt() == done);
            assertThat(delivery.get("status").asText()).isEqualTo("pending");
            assertThat(delivery.get("last_response_code").asInt())
                    .isEqualTo(attempt == 1 ? 500 : 503);
            sleep(Duration.ofMillis(700));
            assertThat(receiver.received(url)).as("no retry before the delay").hasSize(attempt);
            passRetryDelay(attempt);
        }

        JsonNode delivery = awaitDelivery(webhookId, "success",
                d -> d.get("status").asText().equals("succeeded"));
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("last_response_code").asInt()).isEqualTo(200);
        assertThat(delivery.get("attempt_history")).hasSize(3);
        List<Receiver.Received> requests = receiver.received(url);
        assertThat(requests).hasSize(3);
        assertThat(requests).extracting(r -> r.headers().get("webhook-id")).containsOnly(
                delivery.get("event_id").asText());
        assertThat(requests).extracting(r -> new String(r.body(), StandardCharsets.UTF_8))
                .containsOnly(new String(requests.get(0).body(), StandardCharsets.UTF_8));
    }

    @Test
    void failedAttemptLoggedAsWarning() {
        Logger logger = (Logger) LoggerFactory.getLogger(DeliveryWorker.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            String url = receiver.url(404) + "?token=query-secret";
            JsonNode webhook = createWebhook(url);
            String webhookId = webhook.get("webhook_id").asText();
            sendTest(webhookId);

            ILoggingEvent warning = await("a warning for the failed attempt",
                    () -> List.copyOf(events.list),
                    list -> list.stream().anyMatch(event -> event.getLevel() == Level.WARN
                            && event.getFormattedMessage().contains(webhookId)))
                    .stream().filter(event -> event.getFormattedMessage().contains(webhookId))
                    .findFirst().orElseThrow();
            String eventId = awaitDelivery(webhookId, "attempt 1",
                    d -> d.get("attempts").asInt() == 1).get("event_id").asText();

            String message = warning.getFormattedMessage();
            assertThat(message).contains("eventId=" + eventId);
            assertThat(message).contains("attempt=1 of");
            assertThat(message).contains("code=404");
            assertThat(message).doesNotContain("query-secret");
            assertThat(message).doesNotContain(webhook.get("webhook_secret").asText());
            assertThat(warning.getThrowableProxy()).isNull();
        } finally {
            logger.detachAppender(events);
        }
    }

    @Test
    void silentReceiverEndsInFailedDelivery() {
        String url = receiver.url(Receiver.SILENT);
        String webhookId = createWebhook(url).get("webhook_id").asText();
        sendTest(webhookId);

        for (int attempt = 1; attempt < RetrySchedule.MAX_ATTEMPTS; attempt++) {
            int done = attempt;
            awaitDelivery(webhookId, "attempt " + attempt, d -> d.get("attempts").asInt() == done);
            passRetryDelay(attempt);
        }
        JsonNode delivery = awaitDelivery(webhookId, "the last attempt",
                d -> d.get("status").asText().equals("failed"));

        assertThat(delivery.get("attempts").asInt()).isEqualTo(RetrySchedule.MAX_ATTEMPTS);
        assertThat(delivery.get("next_attempt_at").isNull()).isTrue();
        assertThat(delivery.get("last_response_code").isNull()).isTrue();
        assertThat(delivery.get("last_error").asText()).contains("timed out");
        JsonNode history = delivery.get("attempt_history");
        assertThat(history).hasSize(RetrySchedule.MAX_ATTEMPTS);
        for (JsonNode attempt : history) {
            assertThat(attempt.get("error").asText()).contains("timed out after 1000 ms");
        }
        Instant first = Instant.parse(history.get(history.size() - 1).get("started_at").asText());
        Instant last = Instant.parse(history.get(0).get("started_at").asText());
        assertThat(Duration.between(first, last)).isBetween(Duration.ofDays(2), Duration.ofDays(4));

        JsonNode retried = ok(server.post(KEY, "/v1/webhooks/" + webhookId + "/deliveries/"
                + delivery.get("delivery_id").asText() + "/retry", ""));
        assertThat(retried.get("status").asText()).isEqualTo("pending");
        awaitDelivery(webhookId, "the manual retry",
                d -> d.get("attempts").asInt() == RetrySchedule.MAX_ATTEMPTS + 1
                        && d.get("status").asText().equals("failed"));
    }

    @Test
    void deletedWebhookCancelsPendingDelivery() {
        String url = receiver.url(500);
        String webhookId = createWebhook(url).get("webhook_id").asText();
        sendTest(webhookId);
        awaitDelivery(webhookId, "the first attempt", d -> d.get("attempts").asInt() == 1);

        ok(server.delete(KEY, "/v1/webhooks/" + webhookId));
        passRetryDelay(1);
        sleep(Duration.ofSeconds(1));

        assertThat(receiver.received(url)).hasSize(1);
        assertThat(server.get(KEY, "/v1/webhooks/" + webhookId + "/deliveries").status())
                .isEqualTo(404);
    }
}
