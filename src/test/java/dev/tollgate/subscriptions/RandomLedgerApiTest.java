package dev.tollgate.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.billing.ledger.LedgerCheck;
import dev.tollgate.payments.SandboxCardProcessor;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.Forwarding;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.TestServer;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Applies {@link #STEPS} random operations across several customers through the HTTP API, from
 * a fixed seed, and checks after every step that each cached balance equals the sum of its
 * ledger entries. Every {@link #FULL_CHECK_EVERY} steps it also compares the credits that the
 * API shows with the entries, and checks that each cycle was granted once. Run with
 * {@code -Dtollgate.ledger.seed=N} to run another sequence. Failures print the seed.
 */
class RandomLedgerApiTest extends BothDatabases {
    private static final String KEY = TestServer.SANDBOX_KEY;
    private static final long SEED = Long.getLong("tollgate.ledger.seed", 20_261_204L);
    private static final int STEPS = 2_000;
    private static final int CUSTOMERS = 6;
    private static final int FULL_CHECK_EVERY = 50;
    private static final int MAX_RECENT_STEPS = 12;
    private static final String CHAT_URL = "https://api.openai.com/v1/chat/completions";
    private static final List<Duration> CLOCK_STEPS = List.of(Duration.ofHours(1),
            Duration.ofHours(13), Duration.ofDays(1).plusSeconds(1), Duration.ofDays(3),
            Duration.ofDays(8), Duration.ofDays(32));

    private final Random random = new Random(SEED);
    private final Deque<String> recentSteps = new ArrayDeque<>();
    private final List<Customer> customers = new ArrayList<>();
    private final List<Usage> recordedUsage = new ArrayList<>();
    private final List<PlanInfo> plans = new ArrayList<>();
    private String requestsMeter;
    private String tokensMeter;
    private int step;
    private int forwardsWithoutCredit;
    private int phones = 1000;

    /** A customer as the test tracks it: its phone and the latest time its clock was moved to. */
    private static final class Customer {
        final String id;
        final String phone;
        Instant clock;
        boolean deleted;

        Customer(String id, String phone, Instant clock) {
            this.id = id;
            this.phone = phone;
            this.clock = clock;
        }
    }

    private record PlanInfo(String id, String name, List<String> bundleIds) {
    }

    /** A recorded POST /v1/requests body, kept to replay it. */
    private record Usage(String requestId, String customerId, String meterSlug, long inputTokens,
            long outputTokens) {
        String body() {
            return "{\"request_id\":\"" + requestId + "\",\"customer_id\":\"" + customerId
                    + "\",\"meter_slug\":\"" + meterSlug + "\",\"input_tokens\":" + inputTokens
                    + ",\"output_tokens\":" + outputTokens + "}";
        }
    }

    private record Operation(int weight, Supplier<String> run) {
    }

    @Test
    void randomOperationsKeepLedgerBalanced() {
        createCatalogue();
        for (int i = 0; i < CUSTOMERS; i++) {
            customers.add(newSubscriber(randomPaidPlan()));
        }
        List<Operation> operations = List.of(
                new Operation(30, this::recordUsage),
                new Operation(4, this::replayUsage),
                new Operation(8, this::forwardRequest),
                new Operation(12, this::advanceClock),
                new Operation(3, this::buyBundle),
                new Operation(5, this::setAutoTopUp),
                new Operation(3, this::cancel),
                new Operation(5, this::changePlan),
                new Operation(4, this::switchSavedCard),
                new Operation(1, this::deleteCustomer));
        int totalWeight = operations.stream().mapToInt(Operation::weight).sum();

        for (step = 1; step <= STEPS; step++) {
            remember(pick(operations, totalWeight).run().get());
            assertThat(ledger().withHandle(LedgerCheck::firstMismatch)).as(context()).isEmpty();
            if (step % FULL_CHECK_EVERY == 0) {
                checkCustomers();
            }
        }
        checkCustomers();
        assertLifecycleExercised();
    }

    private Operation pick(List<Operation> operations, int totalWeight) {
        int ticket = random.nextInt(totalWeight);
        for (Operation operation : operations) {
            ticket -= operation.weight();
            if (ticket < 0) {
                return operation;
            }
        }
        throw new IllegalStateException("operation weights add up to " + totalWeight);
    }

    /**
     * Creates a graduated requests meter, a graduated token meter and four plans that link both,
     * one per billing interval with different rollover settings, and links both to the Free plan.
     */
    private void createCatalogue() {
        JsonNode requests = ok(server.post(KEY, "/v1/meters", """
                {"name": "Random requests", "rate_type": "fixed", "tier_type": "requests",
                 "tiers": [{"start": "0", "rate": "0.35"}, {"start": "20", "rate": "0.2"}]}"""));
        JsonNode tokens = ok(server.post(KEY, "/v1/meters", """
                {"name": "Random tokens", "rate_type": "fixed", "tier_type": "tokens_1m",
                 "tiers": [{"start": "0", "rate": "137.5"},
                           {"start": "50000", "rate": "90.125"}]}"""));
        requestsMeter = requests.get("meter_slug").asText();
        tokensMeter = tokens.get("meter_slug").asText();
        String meterIds = "[\"" + requests.get("meter_id").asText() + "\",\""
                + tokens.get("meter_id").asText() + "\"]";

        plans.add(plan("""
                {"name": "Daily", "period_amount": "1.00", "included_credit": "1.50",
                 "billing_interval": "day", "rollover_type": "full", "bundle_rollover_type": "none",
                 "meter_ids": %s, "default_auto_top_up_bundle_index": 0,
                 "credit_bundles": [{"name": "Small", "cost": "0.50", "credit_amount": "0.75"}]}"""
                .formatted(meterIds)));
        plans.add(plan("""
                {"name": "Weekly", "period_amount": "5.00", "included_credit": "5.00",
                 "billing_interval": "week", "rollover_type": "none",
                 "bundle_rollover_type": "full",
                 "meter_ids": %s, "default_auto_top_up_bundle_index": 0,
                 "credit_bundles": [{"name": "Boost", "cost": "2.00", "credit_amount": "2.50"},
                                    {"name": "Big", "cost": "6.00", "credit_amount": "8.00"}]}"""
                .formatted(meterIds)));
        plans.add(plan("""
                {"name": "Monthly", "period_amount": "25.00", "included_credit": "12.00",
                 "billing_interval": "month", "rollover_type": "full",
                 "bundle_rollover_type": "full",
                 "meter_ids": %s,
                 "credit_bundles": [{"name": "Pack", "cost": "10.00",
                                     "credit_amount": "12.345"}]}"""
                .formatted(meterIds)));
        plans.add(plan("""
                {"name": "Yearly", "period_amount": "200.00", "included_credit": "40.00",
                 "billing_interval": "year", "rollover_type": "none",
                 "bundle_rollover_type": "none",
                 "meter_ids": %s, "default_auto_top_up_bundle_index": 0,
                 "credit_bundles": [{"name": "Jumbo", "cost": "20.00",
                                     "credit_amount": "25.00"}]}"""
                .formatted(meterIds)));

        JsonNode free = null;
        for (JsonNode listed : ok(server.get(KEY, "/v1/plans?limit=100")).get("data")) {
            if (listed.get("name").asText().equals("Free")) {
                free = listed;
            }
        }
        assertThat(free).as("the merchant's Free plan").isNotNull();
        plans.add(toPlanInfo(ok(server.patch(KEY, "/v1/plans/" + free.get("plan_id").asText(),
                "{\"meter_ids\":" + meterIds + "}"))));
    }

    private PlanInfo plan(String json) {
        return toPlanInfo(ok(server.post(KEY, "/v1/plans", json)));
    }

    private static PlanInfo toPlanInfo(JsonNode plan) {
        List<String> bundleIds = new ArrayList<>();
        plan.get("credit_bundles").forEach(bundle -> bundleIds.add(
                bundle.get("credit_bundle_id").asText()));
        return new PlanInfo(plan.get("plan_id").asText(), plan.get("name").asText(), bundleIds);
    }

    private PlanInfo randomPaidPlan() {
        List<PlanInfo> paid = plans.stream().filter(plan -> !plan.name().equals("Free")).toList();
        return paid.get(random.nextInt(paid.size()));
    }

    private PlanInfo planById(String planId) {
        return plans.stream().filter(plan -> plan.id().equals(planId)).findFirst()
                .orElseThrow(() -> new AssertionError("unknown plan " + planId + "; " + context()));
    }

    /** Buys {@code plan} through a checkout session as a new customer with a new phone number. */
    private Customer newSubscriber(PlanInfo plan) {
        String phone = "+1202555" + String.format("%04d", phones++);
        String sessionId = createSession("{\"checkout_mode\":\"subscription\",\"origin_url\":"
                + "\"https://shop.example\",\"plan_id\":\"" + plan.id() + "\"}");
        ApiResponse completed = complete(sessionId, phone, SandboxCardProcessor.CARD_SUCCEEDS);
        return new Customer(ok(completed).get("customer_id").asText(), phone, Instant.now());
    }

    private String createSession(String json) {
        return ok(server.post(KEY, "/v1/checkout_sessions", json)).get("checkout_session_id")
                .asText();
    }

    private ApiResponse complete(String sessionId, String phone, String card) {
        return server.post(KEY, "/v1/test_helpers/checkout_sessions/" + sessionId + "/complete",
                "{\"phone\":\"" + phone + "\",\"card_number\":\"" + card + "\"}");
    }

    /** Returns a live customer, or one time in ten a deleted one, whose requests must fail. */
    private Customer anyCustomer() {
        List<Customer> deleted = customers.stream().filter(customer -> customer.deleted).toList();
        if (!deleted.isEmpty() && random.nextInt(10) == 0) {
            return deleted.get(random.nextInt(deleted.size()));
        }
        return liveCustomer();
    }

    private Customer liveCustomer() {
        List<Customer> live = customers.stream().filter(customer -> !customer.deleted).toList();
        return live.get(random.nextInt(live.size()));
    }

    private String recordUsage() {
        Customer customer = anyCustomer();
        String meter = random.nextBoolean() ? requestsMeter : tokensMeter;
        Usage usage = new Usage("use-" + SEED + "-" + step, customer.id, meter,
                random.nextInt(40_000), random.nextInt(8_000));

        ApiResponse response = server.post(KEY, "/v1/requests", usage.body());

        if (customer.deleted) {
            expectStatus(response, 400);
        } else {
            expectStatus(response, 201);
            recordedUsage.add(usage);
            assertChargedOnce(usage.requestId(), response.at("/charge/amount"));
        }
        return "usage " + customer.id + " " + meter + " " + usage.inputTokens() + "+"
                + usage.outputTokens() + " -> " + response.status();
    }

    private String replayUsage() {
        if (recordedUsage.isEmpty()) {
            return recordUsage();
        }
        Usage usage = recordedUsage.get(random.nextInt(recordedUsage.size()));
        boolean same = random.nextInt(4) != 0;
        Usage sent = same ? usage : new Usage(usage.requestId(), usage.customerId(),
                usage.meterSlug(), usage.inputTokens() + 1, usage.outputTokens());
        long debitedBefore = usageDebited(usage.requestId());

        ApiResponse response = server.post(KEY, "/v1/requests", sent.body());

        expectStatus(response, same ? 200 : 409);
        assertThat(usageDebited(usage.requestId())).as("debit of replayed %s; %s",
                usage.requestId(), context()).isEqualTo(debitedBefore);
        return "replay " + usage.requestId() + (same ? "" : " changed") + " -> "
                + response.status();
    }

    private String forwardRequest() {
        Customer customer = anyCustomer();
        String meter = random.nextBoolean() ? requestsMeter : tokensMeter;
        String body = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":" + (1 + random.nextInt(64))
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Step " + step
                + ": name a colour.\"}]}";

        HttpResponse<String> response = Forwarding.post(server,
                GatewayServer.forwardToken(customer.id, meter), CHAT_URL, body);

        Set<Integer> allowed = customer.deleted ? Set.of(401) : Set.of(200, 402);
        assertThat(response.statusCode()).as("forward for %s: %s; %s", customer.id,
                response.body(), context()).isIn(allowed);
        if (response.statusCode() == 402) {
            forwardsWithoutCredit++;
        }
        if (response.statusCode() == 200) {
            String requestId = response.headers().firstValue("x-request-id").orElseThrow();
            JsonNode record = ok(server.get(KEY, "/v1/requests/" + requestId));
            assertChargedOnce(requestId, record.at("/charge/amount").asText());
        }
        return "forward " + customer.id + " " + meter + " -> " + response.statusCode();
    }

    private String advanceClock() {
        Customer customer = anyCustomer();
        Duration move = CLOCK_STEPS.get(random.nextInt(CLOCK_STEPS.size()));
        Instant to = customerNow(customer).plus(move);

        ApiResponse response = server.post(KEY, "/v1/test_helpers/customers/" + customer.id
                + "/advance_clock", "{\"to\":\"" + to + "\"}");

        expectStatus(response, customer.deleted ? 404 : 200);
        if (response.status() == 200) {
            customer.clock = to;
        }
        return "clock " + customer.id + " to " + to + " -> " + response.status() + " renewals="
                + response.at("/renewals");
    }

    private static Instant customerNow(Customer customer) {
        Instant now = Instant.now();
        return customer.clock.isAfter(now) ? customer.clock : now;
    }

    private String buyBundle() {
        Customer customer = anyCustomer();
        List<String> offered = customer.deleted ? List.of() : currentPlan(customer).bundleIds();
        if (offered.isEmpty()) {
            List<PlanInfo> withBundles = plans.stream()
                    .filter(plan -> !plan.bundleIds().isEmpty())
                    .toList();
            offered = withBundles.get(random.nextInt(withBundles.size())).bundleIds();
        }
        String bundleId = offered.get(random.nextInt(offered.size()));
        ApiResponse created = server.post(KEY, "/v1/checkout_sessions", "{\"checkout_mode\":"
                + "\"credit_bundle\",\"origin_url\":\"https://shop.example\",\"customer_id\":\""
                + customer.id + "\",\"credit_bundle_id\":\"" + bundleId + "\"}");
        if (customer.deleted) {
            expectStatus(created, 400);
            return "bundle for deleted " + customer.id + " -> " + created.status();
        }
        boolean declined = random.nextInt(5) == 0;

        ApiResponse completed = complete(ok(created).get("checkout_session_id").asText(),
                customer.phone, declined ? SandboxCardProcessor.CARD_DECLINED
                        : SandboxCardProcessor.CARD_SUCCEEDS);

        expectStatus(completed, declined ? 402 : 200);
        return "bundle " + bundleId + " for " + customer.id + (declined ? " declined" : "")
                + " -> " + completed.status();
    }

    private String setAutoTopUp() {
        Customer customer = liveCustomer();
        JsonNode subscription = subscription(customer);
        List<String> offered = planById(subscription.get("plan_id").asText()).bundleIds();
        String bundleId = offered.isEmpty() || random.nextInt(3) == 0 ? null
                : offered.get(random.nextInt(offered.size()));
        String value = bundleId == null ? "null" : "\"" + bundleId + "\"";

        ApiResponse response = server.patch(KEY, "/v1/subscriptions/"
                + subscription.get("subscription_id").asText(), "{\"auto_top_up_bundle_id\":"
                + value + "}");

        expectStatus(response, 200);
        return "auto top-up " + customer.id + " " + bundleId;
    }

    private String cancel() {
        Customer customer = liveCustomer();
        String subscriptionId = subscription(customer).get("subscription_id").asText();

        ApiResponse response = server.delete(KEY, "/v1/subscriptions/" + subscriptionId);

        expectStatus(response, 200);
        return "cancel " + subscriptionId + " of " + customer.id;
    }

    private String changePlan() {
        Customer customer = liveCustomer();
        PlanInfo plan = plans.get(random.nextInt(plans.size()));
        boolean declined = random.nextInt(6) == 0;
        String sessionId = createSession("{\"checkout_mode\":\"subscription\",\"origin_url\":"
                + "\"https://shop.example\",\"plan_id\":\"" + plan.id() + "\",\"customer_id\":\""
                + customer.id + "\"}");

        ApiResponse response = complete(sessionId, customer.phone, declined
                ? SandboxCardProcessor.CARD_DECLINED : SandboxCardProcessor.CARD_SUCCEEDS);

        // A downgrade and the free plan charge nothing now, so a declined card goes through.
        expectStatus(response, declined ? new int[] {200, 402} : new int[] {200});
        return "plan " + plan.name() + " for " + customer.id + (declined ? " declined" : "")
                + " -> " + response.status();
    }

    /**
     * Replaces the customer's saved payment method with a declined or a working test card, so
     * that renewals and automatic top-ups fail or succeed. The API saves a card only at a
     * successful checkout, so this one step writes the database directly.
     */
    private String switchSavedCard() {
        Customer customer = liveCustomer();
        String card = random.nextBoolean() ? SandboxCardProcessor.CARD_DECLINED
                : SandboxCardProcessor.CARD_SUCCEEDS;
        ledger().useHandle(handle -> handle.createUpdate(
                        "UPDATE customers SET payment_method = :card WHERE id = :id")
                .bind("card", card)
                .bind("id", customer.id)
                .execute());
        return "saved card " + card + " for " + customer.id;
    }

    private String deleteCustomer() {
        Customer customer = liveCustomer();

        ApiResponse response = server.delete(KEY, "/v1/customers/" + customer.id);

        expectStatus(response, 200);
        customer.deleted = true;
        Customer replacement = newSubscriber(randomPaidPlan());
        customers.add(replacement);
        return "delete " + customer.id + ", new " + replacement.id;
    }

    private JsonNode subscription(Customer customer) {
        JsonNode subscription = ok(server.get(KEY, "/v1/customers/" + customer.id
                + "/subscription")).get("subscription");
        assertThat(subscription.isNull()).as("%s has an active subscription; %s", customer.id,
                context()).isFalse();
        return subscription;
    }

    private PlanInfo currentPlan(Customer customer) {
        return planById(subscription(customer).get("plan_id").asText());
    }

    /** Asserts that the request's usage entries add up to minus its recorded charge. */
    private void assertChargedOnce(String requestId, String chargeAmount) {
        assertThat(usageDebited(requestId)).as("usage entries of %s with charge %s; %s",
                requestId, chargeAmount, context()).isEqualTo(-units(chargeAmount));
    }

    private long usageDebited(String requestId) {
        return ledger().withHandle(handle -> handle.createQuery("SELECT COALESCE(SUM(amount), 0)"
                        + " FROM ledger_entries WHERE request_id = :r AND kind = 'usage'")
                .bind("r", requestId)
                .mapTo(Long.class)
                .one());
    }

    /**
     * Compares every live customer's credits in the API with the sums of its ledger entries,
     * checks that nothing is held between requests and that bundle credit never goes negative,
     * and that every subscription got one grant per cycle.
     */
    private void checkCustomers() {
        for (Customer customer : customers) {
            if (customer.deleted) {
                continue;
            }
            JsonNode credits = subscription(customer).get("credits");
            Map<String, Long> sums = bucketSums(customer.id);
            long cycle = sums.getOrDefault("cycle", 0L);
            long bundle = sums.getOrDefault("bundle", 0L);
            String label = customer.id + "; " + context();
            assertThat(units(credits.get("cycle_remaining").asText())).as("cycle of " + label)
                    .isEqualTo(cycle);
            assertThat(units(credits.get("bundle_remaining").asText())).as("bundle of " + label)
                    .isEqualTo(bundle);
            assertThat(units(credits.get("total_remaining").asText())).as("total of " + label)
                    .isEqualTo(cycle + bundle);
            assertThat(sums.getOrDefault("hold", 0L)).as("held by " + label).isZero();
            assertThat(bundle).as("bundle of " + label).isNotNegative();
        }
        List<String> misgranted = ledger().withHandle(handle -> handle.createQuery("""
                        SELECT s.id || ' cycle ' || s.cycle_number || ' grants ' || COUNT(e.id)
                        FROM subscriptions s JOIN plans p ON p.id = s.plan_id
                        LEFT JOIN ledger_entries e ON e.subscription_id = s.id AND e.kind = 'grant'
                        WHERE p.included_credit > 0
                        GROUP BY s.id, s.cycle_number
                        HAVING COUNT(e.id) <> s.cycle_number + 1""")
                .mapTo(String.class)
                .list());
        assertThat(misgranted).as("subscriptions without one grant per cycle; " + context())
                .isEmpty();
    }

    /**
     * Checks that the run reached the lifecycle paths this test is for, so that another seed or
     * other weights that miss them fail instead of passing with less coverage.
     */
    private void assertLifecycleExercised() {
        Map<String, String> counts = Map.of(
                "succeeded renewals", "SELECT COUNT(*) FROM payments"
                        + " WHERE purpose = 'renewal' AND status = 'succeeded'",
                "declined renewals", "SELECT COUNT(*) FROM payments"
                        + " WHERE purpose = 'renewal' AND status = 'failed'",
                "bought top-ups", "SELECT COUNT(*) FROM payments"
                        + " WHERE purpose = 'top_up' AND status = 'succeeded'",
                "declined top-ups", "SELECT COUNT(*) FROM payments"
                        + " WHERE purpose = 'top_up' AND status = 'failed'",
                "expired cycle credit", "SELECT COUNT(*) FROM ledger_entries"
                        + " WHERE bucket = 'cycle' AND kind = 'expiry'",
                "expired bundle credit", "SELECT COUNT(*) FROM ledger_entries"
                        + " WHERE bucket = 'bundle' AND kind = 'expiry'",
                "usage paid from bundles", "SELECT COUNT(*) FROM ledger_entries"
                        + " WHERE bucket = 'bundle' AND kind = 'usage'",
                "released holds", "SELECT COUNT(*) FROM ledger_entries WHERE kind = 'release'",
                "ended subscriptions", "SELECT COUNT(*) FROM subscriptions"
                        + " WHERE status = 'cancelled'");
        counts.forEach((event, sql) -> {
            int count = ledger().withHandle(handle -> handle.createQuery(sql)
                    .mapTo(Integer.class)
                    .one());
            assertThat(count).as("%s in %s", event, context()).isPositive();
        });
        assertThat(forwardsWithoutCredit).as("gateway requests rejected with 402 in %s", context())
                .isPositive();
    }

    private Map<String, Long> bucketSums(String customerId) {
        return ledger().withHandle(handle -> {
            Map<String, Long> sums = new HashMap<>();
            handle.createQuery("SELECT bucket, SUM(amount) AS total FROM ledger_entries"
                            + " WHERE customer_id = :c GROUP BY bucket")
                    .bind("c", customerId)
                    .map((rs, ctx) -> Map.entry(rs.getString("bucket"), rs.getLong("total")))
                    .forEach(entry -> sums.put(entry.getKey(), entry.getValue()));
            return sums;
        });
    }

    /** Converts a wire amount such as {@code "0.0014000000"} to 1e-10 dollar units. */
    private static long units(String amount) {
        return new BigDecimal(amount).movePointRight(10).longValueExact();
    }

    private static Jdbi ledger() {
        return server.server().database().jdbi();
    }

    private void remember(String description) {
        recentSteps.addLast(step + ": " + description);
        if (recentSteps.size() > MAX_RECENT_STEPS) {
            recentSteps.removeFirst();
        }
    }

    private String context() {
        return "seed " + SEED + " (replay with -Dtollgate.ledger.seed=" + SEED + "), "
                + database + ", step " + step + ", last steps: " + String.join(" | ", recentSteps);
    }

    private JsonNode ok(ApiResponse response) {
        assertThat(response.status()).as("%s; %s", response.text(), context()).isLessThan(300);
        return response.json();
    }

    private void expectStatus(ApiResponse response, int... allowed) {
        List<Integer> statuses = Arrays.stream(allowed).boxed().toList();
        assertThat(response.status()).as("%s; %s", response.text(), context()).isIn(statuses);
    }
}
