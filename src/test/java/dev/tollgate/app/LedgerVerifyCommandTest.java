package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.payments.SandboxCardProcessor;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.TestDatabase;
import dev.tollgate.testing.TestServer;
import dev.tollgate.testing.TollgateProcess;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** {@code tollgate ledger verify} run as its own process against the server's database. */
class LedgerVerifyCommandTest extends BothDatabases {
    private static final String KEY = TestServer.SANDBOX_KEY;

    @Test
    void verifyNamesCorruptedCustomer() {
        String customerId = subscribedCustomer();
        TollgateProcess.Result before = verify();
        assertThat(before.exitCode()).as(before.stdout() + before.stderr()).isZero();
        assertThat(before.stdout()).startsWith("ledger ok");

        // One unit (1e-10 USD) more in the cached bundle balance than its entries add up to.
        addToCachedBundle(customerId, 1);
        try {
            TollgateProcess.Result after = verify();

            assertThat(after.exitCode()).as(after.stdout() + after.stderr()).isEqualTo(1);
            assertThat(after.stdout()).startsWith("ledger mismatch");
            assertThat(after.stdout()).contains("customer " + customerId);
        } finally {
            addToCachedBundle(customerId, -1);
        }
    }

    @Test
    void verifyReportsOverflowingEntries() {
        String customerId = subscribedCustomer("+12025550178");
        // Two entries whose sum is beyond the 64-bit range, as an older version could write.
        // The customer also has the plan's 5 dollar grant.
        insertEntry(customerId, "led_test_overflow1");
        insertEntry(customerId, "led_test_overflow2");
        try {
            TollgateProcess.Result result = verify();

            assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isEqualTo(1);
            assertThat(result.stdout()).contains("ledger mismatch: customer " + customerId);
            assertThat(result.stdout()).contains("entries cycle=18000000050000000000");
            assertThat(result.stdout()).contains("ledger mismatches: 1 of ");
            assertThat(result.stdout() + result.stderr()).doesNotContain("SELECT");
            assertThat(result.stdout() + result.stderr()).doesNotContain("Exception");
        } finally {
            server.server().database().jdbi().useHandle(handle -> handle.createUpdate(
                            "DELETE FROM ledger_entries WHERE id LIKE 'led_test_overflow%'")
                    .execute());
        }
    }

    private static void insertEntry(String customerId, String id) {
        int inserted = server.server().database().jdbi().withHandle(handle -> handle.createUpdate("""
                        INSERT INTO ledger_entries (id, merchant_id, environment, customer_id,
                            subscription_id, bucket, kind, amount, request_id, created_at)
                        SELECT :id, merchant_id, environment, id, NULL,
                            'cycle', 'correction', 9000000000000000000, NULL, created_at
                        FROM customers WHERE id = :c""")
                .bind("id", id)
                .bind("c", customerId)
                .execute());
        assertThat(inserted).as("entries inserted for %s", customerId).isEqualTo(1);
    }

    private static String subscribedCustomer() {
        return subscribedCustomer("+12025550177");
    }

    private static String subscribedCustomer(String phone) {
        JsonNode plan = ok(server.post(KEY, "/v1/plans", """
                {"name": "Verified", "period_amount": "5.00", "billing_interval": "month"}"""));
        JsonNode session = ok(server.post(KEY, "/v1/checkout_sessions", "{\"checkout_mode\":"
                + "\"subscription\",\"origin_url\":\"https://shop.example\",\"plan_id\":\""
                + plan.get("plan_id").asText() + "\"}"));
        return ok(server.post(KEY, "/v1/test_helpers/checkout_sessions/"
                + session.get("checkout_session_id").asText() + "/complete",
                "{\"phone\":\"" + phone + "\",\"card_number\":\""
                        + SandboxCardProcessor.CARD_SUCCEEDS + "\"}"))
                .get("customer_id").asText();
    }

    /** Runs {@code tollgate ledger verify} on the test database, as an operator would. */
    private static TollgateProcess.Result verify() {
        TestDatabase database = server.database();
        Map<String, String> env = database.databaseUrlSetting()
                .map(url -> Map.of("TOLLGATE_DATABASE_URL", url))
                .orElse(Map.of());
        return TollgateProcess.run(env, database.dataDir().resolve("verify"), "ledger", "verify",
                "--data", database.dataDir().toString());
    }

    private static void addToCachedBundle(String customerId, long units) {
        Jdbi jdbi = server.server().database().jdbi();
        int updated = jdbi.withHandle(handle -> handle.createUpdate(
                        "UPDATE credit_balances SET bundle_balance = bundle_balance + :units"
                                + " WHERE customer_id = :c")
                .bind("units", units)
                .bind("c", customerId)
                .execute());
        assertThat(updated).as("balance rows of %s", customerId).isEqualTo(1);
    }

    private static JsonNode ok(ApiResponse response) {
        assertThat(response.status()).as(response.text()).isLessThan(300);
        return response.json();
    }
}
