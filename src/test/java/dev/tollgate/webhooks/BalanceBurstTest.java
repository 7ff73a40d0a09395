package dev.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A burst of balance changes becomes a bounded number of events, the last one final. */
class BalanceBurstTest extends WebhookTestBase {
    private static final int CHANGES = 1000;
    private static final int THREADS = 8;

    @Test
    void burstCoalescesToFinalBalance() throws Exception {
        String url = receiver.url();
        createWebhook(url, "customer.wallet.balance.updated");
        JsonNode meter = ok(server.post(KEY, "/v1/meters", "{\"name\":\"Burst\",\"rate_type\":"
                + "\"fixed\",\"tier_type\":\"requests\",\"tiers\":[{\"start\":\"0\","
                + "\"rate\":\"0.001\"}]}"));
        String customerId = ok(server.post(KEY, "/v1/customers", "{}")).get("customer_id")
                .asText();

        AtomicInteger sent = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> work = new java.util.ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                work.add(pool.submit(() -> {
                    // One millisecond of server time per change: 1,000 changes in one second.
                    while (sent.incrementAndGet() <= CHANGES) {
                        clock.advance(Duration.ofMillis(1));
                        ok(server.post(KEY, "/v1/requests", "{\"request_id\":\"burst-"
                                + System.nanoTime() + "\",\"customer_id\":\"" + customerId
                                + "\",\"meter_slug\":\"" + meter.get("meter_slug").asText()
                                + "\"}"));
                    }
                    return null;
                }));
            }
            for (Future<?> future : work) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        clock.advance(Events.BALANCE_COALESCE_WINDOW.plusSeconds(1));
        String finalTotal = ok(server.get(KEY, "/v1/customers/" + customerId + "/subscription"))
                .at("/subscription/credits/total_remaining").asText();

        List<Receiver.Received> events = await("the final balance event",
                () -> receiver.received(url),
                list -> !list.isEmpty() && list.get(list.size() - 1).json()
                        .at("/data/credits/total_remaining").asText().equals(finalTotal));
        sleep(Duration.ofSeconds(1));

        assertThat(finalTotal).isEqualTo("-1.0000000000");
        // One second of changes with a 3-second window: one event during the burst at most,
        // and one after it.
        assertThat(receiver.received(url)).hasSizeBetween(1, 2);
        assertThat(events.get(events.size() - 1).json().at("/data/customer_id").asText())
                .isEqualTo(customerId);
    }
}
