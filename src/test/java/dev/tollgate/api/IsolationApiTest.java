package dev.tollgate.api;

import static dev.tollgate.testing.ApiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.accounts.Merchants;
import dev.tollgate.accounts.SecretKeys;
import dev.tollgate.core.Ids;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.Catalogue;
import dev.tollgate.testing.TestServer;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

class IsolationApiTest extends BothDatabases {
    private static final String SANDBOX = TestServer.SANDBOX_KEY;
    private static final String LIVE = TestServer.LIVE_KEY;

    private Catalogue catalogue() {
        return new Catalogue(server);
    }

    /** The objects one key created: a meter, a plan linking it with a bundle, a customer, a key. */
    private record OwnedObjects(String meterId, String planId, String bundleId, String customerId,
            String referenceId, String keyId) {
    }

    private OwnedObjects createObjects(String key) {
        String meterId = catalogue().newMeterId(key, "Isolated");
        JsonNode plan = catalogue().planFrom(key, """
                {"name": "Isolated plan", "period_amount": "3.00", "billing_interval": "month",
                 "meter_ids": ["%s"],
                 "credit_bundles": [{"name": "Top up", "cost": "1.00", "credit_amount": "1"}]}"""
                .formatted(meterId));
        String referenceId = Catalogue.uniqueName("isolated");
        String customerId = catalogue().customer(key, referenceId).get("customer_id").asText();
        ApiResponse createdKey = server.post(key, "/v1/secret_keys",
                "{\"name\": \"Isolated key\"}");
        assertThat(createdKey.status()).isEqualTo(201);
        return new OwnedObjects(meterId, plan.get("plan_id").asText(),
                plan.at("/credit_bundles/0/credit_bundle_id").asText(), customerId, referenceId,
                createdKey.at("/secret_key_id"));
    }

    /** Asserts that {@code key} can neither retrieve nor list any of {@code objects}. */
    private void assertHidden(String key, OwnedObjects objects) {
        assertError(server.get(key, "/v1/meters/" + objects.meterId()), 404,
                "resource_missing", null);
        assertError(server.get(key, "/v1/plans/" + objects.planId()), 404,
                "resource_missing", null);
        assertError(server.get(key, "/v1/credit_bundles/" + objects.bundleId()), 404,
                "resource_missing", null);
        assertError(server.get(key, "/v1/credit_bundles?plan_id=" + objects.planId()), 404,
                "resource_missing", null);
        assertError(server.get(key, "/v1/customers/" + objects.customerId()), 404,
                "resource_missing", null);
        assertError(server.get(key, "/v1/customers/" + objects.referenceId()), 404,
                "resource_missing", null);
        assertThat(catalogue().allIds(key, "/v1/meters", "meter_id"))
                .doesNotContain(objects.meterId());
        assertThat(catalogue().allIds(key, "/v1/plans", "plan_id"))
                .doesNotContain(objects.planId());
        assertThat(catalogue().allIds(key, "/v1/credit_bundles", "credit_bundle_id"))
                .doesNotContain(objects.bundleId());
        assertThat(catalogue().allIds(key, "/v1/customers", "customer_id"))
                .doesNotContain(objects.customerId());
        assertThat(catalogue().allIds(key, "/v1/secret_keys", "secret_key_id"))
                .doesNotContain(objects.keyId());
    }

    private Merchants.NewMerchant secondMerchant() {
        Clock clock = Clock.systemUTC();
        Jdbi jdbi = server.server().database().jdbi();
        Ids ids = new Ids(clock);
        return new Merchants(jdbi, ids, clock, new SecretKeys(jdbi, ids, clock)).create("Second");
    }

    @Test
    void liveNeverSeesSandbox() {
        OwnedObjects sandbox = createObjects(SANDBOX);

        assertHidden(LIVE, sandbox);
    }

    @Test
    void sandboxNeverSeesLive() {
        OwnedObjects live = createObjects(LIVE);

        assertHidden(SANDBOX, live);
        assertThat(live.meterId()).matches("prd_[0-9A-Z]{26}");
        assertThat(live.customerId()).matches("con_[0-9A-Z]{26}");
    }

    @Test
    void liveCannotChangeSandbox() {
        OwnedObjects sandbox = createObjects(SANDBOX);

        ApiResponse meterUpdate = server.patch(LIVE, "/v1/meters/" + sandbox.meterId(),
                "{\"name\": \"x\"}");
        ApiResponse planDelete = server.delete(LIVE, "/v1/plans/" + sandbox.planId());
        ApiResponse customerDelete = server.delete(LIVE, "/v1/customers/" + sandbox.customerId());
        ApiResponse keyDelete = server.delete(LIVE, "/v1/secret_keys/" + sandbox.keyId());

        assertThat(meterUpdate.status()).isEqualTo(404);
        assertThat(planDelete.status()).isEqualTo(404);
        assertThat(customerDelete.status()).isEqualTo(404);
        assertThat(keyDelete.status()).isEqualTo(404);
        assertThat(server.get(SANDBOX, "/v1/meters/" + sandbox.meterId()).at("/name"))
                .startsWith("Isolated");
        assertThat(server.get(SANDBOX, "/v1/plans/" + sandbox.planId()).status()).isEqualTo(200);
        assertThat(server.get(SANDBOX, "/v1/customers/" + sandbox.customerId()).status())
                .isEqualTo(200);
    }

    @Test
    void livePlanCannotLinkSandboxMeter() {
        OwnedObjects sandbox = createObjects(SANDBOX);

        ApiResponse response = server.post(LIVE, "/v1/plans", """
                {"name": "Cross", "period_amount": "1.00", "billing_interval": "month",
                 "meter_ids": ["%s"]}""".formatted(sandbox.meterId()));

        assertError(response, 400, "resource_missing", "meter_ids[0]");
    }

    @Test
    void environmentsHaveOwnFreePlans() {
        JsonNode sandboxCustomer = catalogue().customer(SANDBOX, Catalogue.uniqueName("sandbox"));
        JsonNode liveCustomer = catalogue().customer(LIVE, Catalogue.uniqueName("live"));

        String sandboxPlan = sandboxCustomer.at("/subscription/plan_id").asText();
        String livePlan = liveCustomer.at("/subscription/plan_id").asText();

        assertThat(sandboxPlan).startsWith("pln_test_");
        assertThat(livePlan).matches("pln_[0-9A-Z]{26}");
        assertThat(liveCustomer.at("/subscription/name").asText()).isEqualTo("Free");
    }

    @Test
    void slugsAndReferencesArePerEnvironment() {
        String slug = Catalogue.uniqueName("shared-slug");
        String reference = Catalogue.uniqueName("shared-reference");
        String meter = """
                {"name": "Shared", "meter_slug": "%s", "rate_type": "fixed",
                 "tier_type": "requests", "tiers": [{"start": "0", "rate": "1"}]}"""
                .formatted(slug);

        ApiResponse sandboxMeter = server.post(SANDBOX, "/v1/meters", meter);
        ApiResponse liveMeter = server.post(LIVE, "/v1/meters", meter);
        JsonNode sandboxCustomer = catalogue().customer(SANDBOX, reference);
        JsonNode liveCustomer = catalogue().customer(LIVE, reference);

        assertThat(sandboxMeter.status()).isEqualTo(201);
        assertThat(liveMeter.status()).isEqualTo(201);
        assertThat(liveCustomer.get("customer_id"))
                .isNotEqualTo(sandboxCustomer.get("customer_id"));
    }

    @Test
    void secondMerchantSeesNothing() {
        OwnedObjects first = createObjects(SANDBOX);
        Merchants.NewMerchant second = secondMerchant();

        assertHidden(second.sandboxKey(), first);
        assertThat(server.get(second.liveKey(), "/v1/meters/" + first.meterId()).status())
                .isEqualTo(404);
    }

    @Test
    void secondMerchantCannotChangeFirst() {
        OwnedObjects first = createObjects(SANDBOX);
        String key = secondMerchant().sandboxKey();

        ApiResponse meterUpdate = server.patch(key, "/v1/meters/" + first.meterId(),
                "{\"name\": \"x\"}");
        ApiResponse meterDelete = server.delete(key, "/v1/meters/" + first.meterId());
        ApiResponse planUpdate = server.patch(key, "/v1/plans/" + first.planId(),
                "{\"name\": \"x\"}");
        ApiResponse customerUpdate = server.patch(key, "/v1/customers/" + first.customerId(),
                "{\"email\": \"x@example.com\"}");
        ApiResponse keyDelete = server.delete(key, "/v1/secret_keys/" + first.keyId());

        assertError(meterUpdate, 404, "resource_missing", null);
        assertError(meterDelete, 404, "resource_missing", null);
        assertError(planUpdate, 404, "resource_missing", null);
        assertError(customerUpdate, 404, "resource_missing", null);
        assertError(keyDelete, 404, "resource_missing", null);
        assertThat(server.get(SANDBOX, "/v1/meters/" + first.meterId()).at("/name"))
                .startsWith("Isolated");
        assertThat(server.get(SANDBOX, "/v1/plans/" + first.planId()).at("/name"))
                .isEqualTo("Isolated plan");
    }

    @Test
    void secondMerchantHasOwnFreePlan() {
        JsonNode firstCustomer = catalogue().customer(SANDBOX, Catalogue.uniqueName("first"));
        String key = secondMerchant().sandboxKey();

        JsonNode secondCustomer = catalogue().customer(key, Catalogue.uniqueName("second"));

        String secondPlan = secondCustomer.at("/subscription/plan_id").asText();
        assertThat(secondPlan).isNotEqualTo(firstCustomer.at("/subscription/plan_id").asText());
        assertThat(server.get(key, "/v1/plans/" + secondPlan).at("/name")).isEqualTo("Free");
        assertThat(server.get(SANDBOX, "/v1/plans/" + secondPlan).status()).isEqualTo(404);
    }

    @Test
    void secondMerchantCannotLinkFirstMeter() {
        OwnedObjects first = createObjects(SANDBOX);
        String key = secondMerchant().sandboxKey();

        ApiResponse response = server.post(key, "/v1/plans", """
                {"name": "Borrowing", "period_amount": "1.00", "billing_interval": "month",
                 "meter_ids": ["%s"]}""".formatted(first.meterId()));

        assertError(response, 400, "resource_missing", "meter_ids[0]");
    }
}
