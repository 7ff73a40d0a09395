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
 * Two server processes on one PostgreSQL schema renew the same subscriptions at the same
 * moments. Every cycle must be charged and granted exactly once, every declined attempt
 * recorded once, and every cancellation and downgrade at the cycle end applied once.
 */
class TwoNodeRenewalTest {
    private static final String KEY = TestServer.SANDBOX_KEY;
    private static final int RENEWING = 20;
    private static final int DECLINED = 4;
    private static final int CANCELLING = 3;
    private static final int DOWNGRADING = 3;
    private static final int ROUNDS = 3;
    private static final int CALLS_PER_NODE = 2;

    private final List<TollgateProcess> nodes = new ArrayList<>();
    private final List<ApiClient> apis = new ArrayList<>();

    /** What a subscriber does before the first cycle ends. */
    private enum Kind {
        RENEWING, DECLINED, CANCELLING, DOWNGRADING
    }

    /** A subscriber whose first cycle starts at the shared anchor. */
    private record Subscriber(Kind kind, String customerId, String subscriptionId) {
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
        String dailyPlan = plan("Daily", "3.00", "2.50");
        String litePlan = plan("Daily lite", "1.00", "1.00");
        List<Subscriber> subscribers = subscribeAll(anchor, dailyPlan);
        Jdbi jdbi = Jdbi.create(database.jdbcUrl());
        jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
        declineSavedCards(jdbi, subscribers);
        scheduleChanges(subscribers, litePlan);

        for (int round = 1; round <= ROUNDS; round++) {
            // A cancellation or a downgrade ends the first cycle, and then the lite plans renew.
            int expected = round == 1 ? RENEWING + CANCELLING + DOWNGRADING
                    : RENEWING + DOWNGRADING;
            int renewed = renewConcurrently(anchor.plus(Duration.ofDays(round)));
            assertThat(renewed).as("cycles renewed in round %d by both nodes", round)
                    .isEqualTo(expected);
        }

        assertThat(count(jdbi, "SELECT COUNT(*) FROM payments WHERE purpose = 'renewal'"
                + " AND status = 'succeeded'")).as("succeeded renewal payments")
                .isEqualTo((long) RENEWING * ROUNDS + (long) DOWNGRADING * ROUNDS);
        for (Subscriber subscriber : subscribers) {
            checkSubscriber(jdbi, subscriber, litePlan);
        }
        TollgateProcess.Result verify = TollgateProcess.run(Map.of("TOLLGATE_DATABASE_URL",
                database.jdbcUrl()), database.dataDir().resolve("verify"), "ledger", "verify");
        assertThat(verify.exitCode()).as(verify.stdout() + verify.stderr()).isZero();
        assertThat(verify.stdout()).startsWith("ledger ok");
    }

    private String plan(String name, String price, String credit) {
        return ok(api(0).post(KEY, "/v1/plans", "{\"name\":\"" + name + "\",\"period_amount\":\""
                + price + "\",\"included_credit\":\"" + credit + "\",\"billing_interval\":"
                + "\"day\"}")).get("plan_id").asText();
    }

    /**
     * Creates the customers of every kind on the daily plan, bought at {@code anchor} on their
     * test clocks, so that every first cycle ends at the same moment. Requests alternate between
     * the two nodes.
     */
    private List<Subscriber> subscribeAll(Instant anchor, String planId) {
        List<Subscriber> subscribers = new ArrayList<>();
        int i = 0;
        for (Kind kind : Kind.values()) {
            int customers = switch (kind) {
                case RENEWING -> RENEWING;
                case DECLINED -> DECLINED;
                case CANCELLING -> CANCELLING;
                case DOWNGRADING -> DOWNGRADING;
            };
            for (int k = 0; k < customers; k++, i++) {
                subscribers.add(subscribe(kind, i, anchor, planId));
            }
        }
        return subscribers;
    }

    private Subscriber subscribe(Kind kind, int i, Instant anchor, String planId) {
        String phone = "+1202555" + String.format("%04d", 2000 + i);
        String customerId = ok(api(i).post(KEY, "/v1/customers", "{\"reference_id\":\"node-"
                + i + "\",\"phone\":\"" + phone + "\"}")).get("customer_id").asText();
        ok(api(i + 1).post(KEY, "/v1/test_helpers/customers/" + customerId + "/advance_clock",
                "{\"to\":\"" + anchor + "\"}"));
        checkout(i, customerId, phone, planId);
        JsonNode subscription = ok(api(i).get(KEY, "/v1/customers/" + customerId
                + "/subscription")).get("subscription");
        assertThat(Instant.parse(subscription.get("cycle_end_at").asText()))
                .as("cycle end of %s", customerId).isEqualTo(anchor.plus(Duration.ofDays(1)));
        return new Subscriber(kind, customerId, subscription.get("subscription_id").asText());
    }

    private void checkout(int i, String customerId, String phone, String planId) {
        String sessionId = ok(api(i).post(KEY, "/v1/checkout_sessions", "{\"checkout_mode\":"
                + "\"subscription\",\"origin_url\":\"https://shop.example\",\"plan_id\":\""
                + planId + "\",\"customer_id\":\"" + customerId + "\"}"))
                .get("checkout_session_id").asText();
        ok(api(i + 1).post(KEY, "/v1/test_helpers/checkout_sessions/" + sessionId + "/complete",
                "{\"phone\":\"" + phone + "\",\"card_number\":\""
                        + SandboxCardProcessor.CARD_SUCCEEDS + "\"}"));
    }

    /**
     * Saves the declined test card for the declined subscribers. The API saves a card only at a
     * successful checkout, so this writes the database directly.
     */
    private static void declineSavedCards(Jdbi jdbi, List<Subscriber> subscribers) {
        for (Subscriber subscriber : subscribers) {
            if (subscriber.kind() == Kind.DECLINED) {
                jdbi.useHandle(handle -> handle.createUpdate(
                                "UPDATE customers SET payment_method = :card WHERE id = :id")
                        .bind("card", SandboxCardProcessor.CARD_DECLINED)
                        .bind("id", subscriber.customerId())
                        .execute());
            }
        }
    }

    /** Schedules a cancellation, or a downgrade by a checkout of the cheaper plan. */
    private void scheduleChanges(List<Subscriber> subscribers, String litePlan) {
        for (int i = 0; i < subscribers.size(); i++) {
            Subscriber subscriber = subscribers.get(i);
            if (subscriber.kind() == Kind.CANCELLING) {
                ok(api(i).delete(KEY, "/v1/subscriptions/" + subscriber.subscriptionId()));
            }
            if (subscriber.kind() == Kind.DOWNGRADING) {
                String phone = ok(api(i).get(KEY, "/v1/customers/" + subscriber.customerId()))
                        .at("/contact/phone").asText();
                checkout(i, subscriber.customerId(), phone, litePlan);
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

    private void checkSubscriber(Jdbi jdbi, Subscriber subscriber, String litePlan) {
        String first = subscriber.subscriptionId();
        String active = activeSubscription(jdbi, subscriber.customerId(), "id");
        String activePlan = activeSubscription(jdbi, subscriber.customerId(), "plan_id");
        switch (subscriber.kind()) {
            case RENEWING -> {
                assertThat(active).as("active subscription of %s", first).isEqualTo(first);
                checkCycles(jdbi, first, ROUNDS, ROUNDS);
                checkFailures(jdbi, first, 0);
            }
            case DECLINED -> {
                // The attempts at days 1 and 2 fail. The next one waits until day 5.
                assertThat(active).as("active subscription of %s", first).isEqualTo(first);
                checkCycles(jdbi, first, 0, 0);
                checkFailures(jdbi, first, 2);
            }
            case CANCELLING -> {
                assertThat(active).as("active subscription after %s", first).isNotEqualTo(first);
                assertThat(isFreePlan(jdbi, activePlan)).as("plan after %s", first).isTrue();
                checkCycles(jdbi, first, 0, 0);
            }
            case DOWNGRADING -> {
                assertThat(activePlan).as("plan after %s", first).isEqualTo(litePlan);
                // The switch at the first cycle end is charged under the old subscription.
                checkCycles(jdbi, first, 0, 1);
                checkCycles(jdbi, active, ROUNDS - 1, ROUNDS - 1);
            }
        }
        assertThat(countFor(jdbi, subscriber.customerId(), "SELECT COUNT(*) FROM subscriptions"
                + " WHERE customer_id = :id AND status = 'active'"))
                .as("active subscriptions of %s", subscriber.customerId()).isEqualTo(1);
    }

    /** Checks the cycle reached, one grant per cycle, and the succeeded renewal charges. */
    private static void checkCycles(Jdbi jdbi, String subscriptionId, long cycle, long charges) {
        assertThat(countFor(jdbi, subscriptionId, "SELECT cycle_number FROM subscriptions"
                + " WHERE id = :id")).as("cycle of %s", subscriptionId).isEqualTo(cycle);
        assertThat(countFor(jdbi, subscriptionId, "SELECT COUNT(*) FROM ledger_entries"
                + " WHERE subscription_id = :id AND kind = 'grant'"))
                .as("grants of %s", subscriptionId).isEqualTo(cycle + 1);
        assertThat(countFor(jdbi, subscriptionId, "SELECT COUNT(*) FROM payments WHERE purpose"
                + " = 'renewal' AND status = 'succeeded' AND idempotency_key LIKE :keys"))
                .as("succeeded renewal payments of %s", subscriptionId).isEqualTo(charges);
    }

    private static void checkFailures(Jdbi jdbi, String subscriptionId, long failures) {
        assertThat(countFor(jdbi, subscriptionId, "SELECT COUNT(*) FROM payments WHERE purpose"
                + " = 'renewal' AND status = 'failed' AND idempotency_key LIKE :keys"))
                .as("failed renewal payments of %s", subscriptionId).isEqualTo(failures);
        assertThat(countFor(jdbi, subscriptionId, "SELECT renewal_failures FROM subscriptions"
                + " WHERE id = :id")).as("renewal failures of %s", subscriptionId)
                .isEqualTo(failures);
    }

    private static String activeSubscription(Jdbi jdbi, String customerId, String column) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + column
                        + " FROM subscriptions WHERE customer_id = :c AND status = 'active'")
                .bind("c", customerId)
                .mapTo(String.class)
                .one());
    }

    private static boolean isFreePlan(Jdbi jdbi, String planId) {
        return countFor(jdbi, planId, "SELECT is_free_default FROM plans WHERE id = :id") == 1;
    }

    private static long count(Jdbi jdbi, String sql) {
        return jdbi.withHandle(handle -> handle.createQuery(sql).mapTo(Long.class).one());
    }

    /** Runs a count query that may use {@code :id} and {@code :keys}, its renewal payment keys. */
    private static long countFor(Jdbi jdbi, String id, String sql) {
        return jdbi.withHandle(handle -> handle.createQuery(sql)
                .bind("id", id)
                .bind("keys", "renewal:" + id + ":%")
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
