package dev.tollgate.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.billing.ledger.LedgerCheck;
import dev.tollgate.payments.SandboxCardProcessor;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Usage recorded by several clients while the same customer's cycles renew. */
class ConcurrentRenewalApiTest extends BothDatabases {
    private static final String KEY = TestServer.SANDBOX_KEY;
    private static final int CLIENTS = 6;
    private static final int MAX_REQUESTS_PER_CLIENT = 2_000;
    private static final int RENEWALS = 30;
    private static final int MIN_REQUESTS_PER_CYCLE = 20;
    private static final AtomicInteger PHONES = new AtomicInteger(190);

    private record Entry(String kind, long amount) {
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void usageDuringRenewalExpiresOnlyLeftover() throws Exception {
        // Cycle credit that outlasts each cycle's usage, so every renewal expires some of it.
        String cycleCustomer = raceUsageAgainstRenewals("5.00", false);
        // Little cycle credit and a bundle per cycle, so usage draws on the bundle as it expires.
        String bundleCustomer = raceUsageAgainstRenewals("0.20", true);

        assertExpiriesMatchLeftover(cycleCustomer, "cycle");
        assertExpiriesMatchLeftover(bundleCustomer, "bundle");
        assertThat(server.server().database().jdbi().withHandle(LedgerCheck::firstMismatch))
                .isEmpty();
    }

    /**
     * Subscribes a customer to a daily plan that expires unused cycle and bundle credit, then
     * renews it {@link #RENEWALS} times (buying a bundle before each renewal when
     * {@code buyBundles}) while {@link #CLIENTS} clients record usage for it.
     *
     * @return the customer's id
     */
    private static String raceUsageAgainstRenewals(String includedCredit, boolean buyBundles)
            throws Exception {
        JsonNode meter = ok(server.post(KEY, "/v1/meters", """
                {"name": "Concurrent %s", "rate_type": "fixed", "tier_type": "requests",
                 "tiers": [{"start": "0", "rate": "0.01"}]}""".formatted(includedCredit)));
        JsonNode plan = ok(server.post(KEY, "/v1/plans", """
                {"name": "Concurrent", "period_amount": "1.00", "included_credit": "%s",
                 "billing_interval": "day", "rollover_type": "none",
                 "bundle_rollover_type": "none", "meter_ids": ["%s"],
                 "credit_bundles": [{"name": "Fuel", "cost": "1.00", "credit_amount": "5.00"}]}"""
                .formatted(includedCredit, meter.get("meter_id").asText())));
        String customerId = subscribe(plan.get("plan_id").asText());
        String bundleId = plan.at("/credit_bundles/0/credit_bundle_id").asText();

        AtomicBoolean renewing = new AtomicBoolean(true);
        Semaphore recorded = new Semaphore(0);
        List<Future<Integer>> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
            for (int client = 0; client < CLIENTS; client++) {
                String prefix = customerId + "-" + client + "-";
                clients.add(pool.submit(() -> recordUntil(renewing, recorded, prefix, customerId,
                        meter.get("meter_slug").asText())));
            }
            try {
                for (int cycle = 0; cycle < RENEWALS; cycle++) {
                    // Let usage run between renewals however fast the machine is.
                    assertThat(recorded.tryAcquire(MIN_REQUESTS_PER_CYCLE, 30, TimeUnit.SECONDS))
                            .as("usage recorded before renewal %d", cycle).isTrue();
                    if (buyBundles) {
                        buyBundle(customerId, bundleId);
                    }
                    advanceToCycleEnd(customerId);
                }
            } finally {
                renewing.set(false);
            }
            for (Future<Integer> client : clients) {
                assertThat(client.get(1, TimeUnit.MINUTES)).as("requests of a client").isPositive();
            }
        }
        return customerId;
    }

    /**
     * Records one-request usage until renewing stops, releasing a permit of {@code recorded}
     * for each, and returns how many were recorded.
     */
    private static int recordUntil(AtomicBoolean renewing, Semaphore recorded, String prefix,
            String customerId, String meterSlug) {
        int count = 0;
        while (renewing.get() && count < MAX_REQUESTS_PER_CLIENT) {
            ApiResponse response = server.post(KEY, "/v1/requests", "{\"request_id\":\"" + prefix
                    + count + "\",\"customer_id\":\"" + customerId + "\",\"meter_slug\":\""
                    + meterSlug + "\"}");
            assertThat(response.status()).as(response.text()).isEqualTo(201);
            recorded.release();
            count++;
        }
        return count;
    }

    /**
     * Replays the customer's entries of one bucket in id order and checks that every expiry
     * removed exactly the credit left before it and that bundle credit never went below zero.
     * Charges and expiries lock the balance before they write, and one node's ids increase, so
     * id order is the order in which they committed.
     */
    private static void assertExpiriesMatchLeftover(String customerId, String bucket) {
        List<Entry> entries = server.server().database().jdbi().withHandle(handle ->
                handle.createQuery("SELECT kind, amount FROM ledger_entries"
                                + " WHERE customer_id = :c AND bucket = :b ORDER BY id")
                        .bind("c", customerId)
                        .bind("b", bucket)
                        .map((rs, ctx) -> new Entry(rs.getString("kind"), rs.getLong("amount")))
                        .list());
        long left = 0;
        int expiries = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry.kind().equals("expiry")) {
                assertThat(entry.amount()).as("%s expiry at entry %d", bucket, i).isEqualTo(-left);
                expiries++;
            }
            left += entry.amount();
            if (bucket.equals("bundle")) {
                assertThat(left).as("bundle credit after entry %d", i).isNotNegative();
            }
        }
        assertThat(expiries).as("%s expiries", bucket).isPositive();
    }

    private static String subscribe(String planId) {
        JsonNode session = ok(server.post(KEY, "/v1/checkout_sessions", "{\"checkout_mode\":"
                + "\"subscription\",\"origin_url\":\"https://shop.example\",\"plan_id\":\""
                + planId + "\"}"));
        return complete(session, "+1202555" + String.format("%04d", PHONES.incrementAndGet()))
                .get("customer_id").asText();
    }

    private static void buyBundle(String customerId, String bundleId) {
        String phone = server.get(KEY, "/v1/customers/" + customerId).at("/contact/phone");
        complete(ok(server.post(KEY, "/v1/checkout_sessions", "{\"checkout_mode\":"
                + "\"credit_bundle\",\"origin_url\":\"https://shop.example\",\"customer_id\":\""
                + customerId + "\",\"credit_bundle_id\":\"" + bundleId + "\"}")), phone);
    }

    private static JsonNode complete(JsonNode session, String phone) {
        return ok(server.post(KEY, "/v1/test_helpers/checkout_sessions/"
                + session.get("checkout_session_id").asText() + "/complete", "{\"phone\":\""
                + phone + "\",\"card_number\":\"" + SandboxCardProcessor.CARD_SUCCEEDS + "\"}"));
    }

    private static void advanceToCycleEnd(String customerId) {
        Instant end = Instant.parse(server.get(KEY, "/v1/customers/" + customerId
                + "/subscription").at("/subscription/cycle_end_at"));
        ok(server.post(KEY, "/v1/test_helpers/customers/" + customerId + "/advance_clock",
                "{\"to\":\"" + end.plusMillis(1) + "\"}"));
    }

    private static JsonNode ok(ApiResponse response) {
        assertThat(response.status()).as(response.text()).isLessThan(300);
        return response.json();
    }
}
