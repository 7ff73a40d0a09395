package dev.tollgate.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.payments.SandboxCardProcessor;
import dev.tollgate.testing.ApiClient;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.TestDatabase;
import dev.tollgate.testing.TestServer;
import dev.tollgate.testing.TollgateProcess;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two server processes on one PostgreSQL schema renew the same subscriptions at the same moment:
 * every cycle must be charged and granted exactly once, and every declined attempt recorded once.
 */
class TwoNodeRenewalTest {
    private static final String KEY = TestServer.SANDBOX_KEY;
    private static final int PAYING = 20;
    private static final int DECLINED = 4;
    private static final int ROUNDS = 3;
    private static final int CALLS_PER_NODE = 2;

    private final List<TollgateProcess> nodes = new ArrayList<>();
    private final List<ApiClient> apis = new ArrayList<>();

    /** A subscriber whose first cycle starts at the shared anchor. */
    private record Subscriber(String customerId, String subscriptionId, boolean declined) {
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void twoNodesRenewEachCycleOnce() throws Exception {
        try (TestDatabase database = TestDatabase.create(DatabaseKind.POSTGRESQL)) {
            try {
                startNodes(database);
                runAndCheck(database);
            } finally {
                nodes.forEach(TollgateProcess::close);
            }
        }
    }

    private void startNodes(TestDatabase database) {
        Map<String, String> env = Map.of(
                "TOLLGATE_DATABASE_URL", database.jdbcUrl(),
                "TOLLGATE_BOOTSTRAP_SANDBOX_KEY", TestServer.SANDBOX_KEY,
                "TOLLGATE_BOOTSTRAP_LIVE_KEY", TestServer.LIVE_KEY,
                "TOLLGATE_LOG_LEVEL", "INFO");
        // Both start at once, so they also race on the migrations and the first merchant.
        for (int i = 1; i <= 2; i++) {
            nodes.add(TollgateProcess.startServer(env, database.dataDir().resolve("node-" + i)));
        }
        for (TollgateProcess node : nodes) {
            apis.add(node.awaitApi());
        }
    }

    private void runAndCheck(TestDatabase database) throws Exception {
        Instant anchor = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        List<Subscriber> subscribers = subscribeAll(database, anchor);

        for (int round = 1; round <= ROUNDS; round++) {
            int renewed = renewConcurrently(anchor.plus(Duration.ofDays(round)));
            assertThat(renewed).as("cycles renewed in round %d by both nodes", round)
                    .isEqualTo(PAYING);
        }

        Jdbi jdbi = Jdbi.create(database.jdbcUrl());
        jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
        assertThat(count(jdbi, "SELECT COUNT(*) FROM payments WHERE purpose = 'renewal'"
                + " AND status = 'succeeded'")).as("succeeded renewal payments")
                .isEqualTo(PAYING * ROUNDS);
        for (Subscriber subscriber : subscribers) {
            checkSubscriber(jdbi, subscriber);
        }
        TollgateProcess.Result verify = TollgateProcess.run(Map.of("TOLLGATE_DATABASE_URL",
                database.jdbcUrl()), database.dataDir().resolve("verify"), "ledger", "verify");
        assertThat(verify.exitCode()).as(verify.stdout() + verify.stderr()).isZero();
        assertThat(verify.stdout()).startsWith("ledger ok");
    }

    /**
     * Creates {@link #PAYING} customers with a working card and {@link #DECLINED} whose saved
     * card is then declined, all on one daily plan bought at {@code anchor} on their test clocks,
     * so that every cycle ends at the same moment. Requests alternate between the two nodes.
     */
    private List<Subscriber> subscribeAll(TestDatabase database, Instant anchor) {
        String planId = ok(api(0).post(KEY, "/v1/plans", """
                {"name": "Daily", "period_amount": "3.00", "included_credit": "2.50",
                 "billing_interval": "day"}""")).get("plan_id").asText();
        List<Subscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < PAYING + DECLINED; i++) {
            String phone = "+1202555" + String.format("%04d", 2000 + i);
            String customerId = ok(api(i).post(KEY, "/v1/customers", "{\"reference_id\":\"node-"
                    + i + "\",\"phone\":\"" + phone + "\"}")).get("customer_id").asText();
            ok(api(i + 1).post(KEY, "/v1/test_helpers/customers/" + customerId + "/advance_clock",
                    "{\"to\":\"" + anchor + "\"}"));
            String sessionId = ok(api(i).post(KEY, "/v1/checkout_sessions", "{\"checkout_mode\":"
                    + "\"subscription\",\"origin_url\":\"https://shop.example\",\"plan_id\":\""
                    + planId + "\",\"customer_id\":\"" + customerId + "\"}"))
                    .get("checkout_session_id").asText();
            ok(api(i + 1).post(KEY, "/v1/test_helpers/checkout_sessions/" + sessionId
                    + "/complete", "{\"phone\":\"" + phone + "\",\"card_number\":\""
                    + SandboxCardProcessor.CARD_SUCCEEDS + "\"}"));
            JsonNode subscription = ok(api(i).get(KEY, "/v1/customers/" + customerId
                    + "/subscription")).get("subscription");
            assertThat(Instant.parse(subscription.get("cycle_end_at").asText()))
                    .as("cycle end of %s", customerId).isEqualTo(anchor.plus(Duration.ofDays(1)));
            subscribers.add(new Subscriber(customerId,
                    subscription.get("subscription_id").asText(), i >= PAYING));
        }
        declineSavedCards(Jdbi.create(database.jdbcUrl()), subscribers);
        return subscribers;
    }

    /**
     * Saves the declined test card for the declined subscribers. The API saves a card only at a
     * successful checkout, so this writes the database directly.
     */
    private static void declineSavedCards(Jdbi jdbi, List<Subscriber> subscribers) {
        for (Subscriber subscriber : subscribers) {
            if (subscriber.declined()) {
                jdbi.useHandle(handle -> handle.createUpdate(
                                "UPDATE customers SET payment_method = :card WHERE id = :id")
                        .bind("card", SandboxCardProcessor.CARD_DECLINED)
                        .bind("id", subscriber.customerId())
                        .execute());
            }
        }
    }

    /**
     * Runs the renewal scheduler at {@code at} on both nodes at once, {@link #CALLS_PER_NODE}
     * times each, and returns how many cycles all calls renewed together.
     */
    private int renewConcurrently(Instant at) throws Exception {
        int calls = CALLS_PER_NODE * apis.size();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ApiResponse>> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(calls)) {
            for (int i = 0; i < calls; i++) {
                ApiClient api = api(i);
                responses.add(pool.submit(() -> {
                    start.await();
                    return api.post(KEY, "/v1/test_helpers/renewals/run",
                            "{\"at\":\"" + at + "\"}");
                }));
            }
            start.countDown();
            int renewed = 0;
            for (Future<ApiResponse> response : responses) {
                renewed += ok(response.get(ApiClient.MAX_REQUEST_TIME.toSeconds(),
                        TimeUnit.SECONDS)).get("renewals").asInt();
            }
            return renewed;
        }
    }

    private void checkSubscriber(Jdbi jdbi, Subscriber subscriber) {
        String id = subscriber.subscriptionId();
        long cycles = subscriber.declined() ? 0 : ROUNDS;
        // Declined: attempts at 1 and 2 days; the next retry waits until 5 days, after round 3.
        long failures = subscriber.declined() ? 2 : 0;
        assertThat(countFor(jdbi, id, "SELECT cycle_number FROM subscriptions WHERE id = :id"))
                .as("cycle of %s", id).isEqualTo(cycles);
        assertThat(countFor(jdbi, id, "SELECT COUNT(*) FROM ledger_entries"
                + " WHERE subscription_id = :id AND kind = 'grant'"))
                .as("grants of %s", id).isEqualTo(cycles + 1);
        assertThat(countFor(jdbi, id, "SELECT COUNT(*) FROM payments WHERE purpose = 'renewal'"
                + " AND status = 'succeeded' AND idempotency_key LIKE :keys"))
                .as("succeeded renewal payments of %s", id).isEqualTo(cycles);
        assertThat(countFor(jdbi, id, "SELECT COUNT(*) FROM payments WHERE purpose = 'renewal'"
                + " AND status = 'failed' AND idempotency_key LIKE :keys"))
                .as("failed renewal payments of %s", id).isEqualTo(failures);
        assertThat(countFor(jdbi, id, "SELECT renewal_failures FROM subscriptions WHERE id = :id"))
                .as("renewal failures of %s", id).isEqualTo(failures);
    }

    private static long count(Jdbi jdbi, String sql) {
        return jdbi.withHandle(handle -> handle.createQuery(sql).mapTo(Long.class).one());
    }

    /** Runs a count query that may use {@code :id} and {@code :keys}, its renewal payment keys. */
    private static long countFor(Jdbi jdbi, String subscriptionId, String sql) {
        return jdbi.withHandle(handle -> handle.createQuery(sql)
                .bind("id", subscriptionId)
                .bind("keys", "renewal:" + subscriptionId + ":%")
                .mapTo(Long.class)
                .one());
    }

    /** Returns the client of node {@code i} modulo the number of nodes. */
    private ApiClient api(int i) {
        return apis.get(i % apis.size());
    }

    private JsonNode ok(ApiResponse response) {
        StringBuilder logs = new StringBuilder();
        if (response.status() >= 300) {
            for (TollgateProcess node : nodes) {
                logs.append("\n--- node log ---\n").append(node.outputTail());
            }
        }
        assertThat(response.status()).as("%s%s", response.text(), logs).isLessThan(300);
        return response.json();
    }
}
