package dev.tollgate.api;

import static dev.tollgate.testing.ApiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.Catalogue;
import dev.tollgate.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlansApiTest extends BothDatabases {
    private static final String KEY = TestServer.SANDBOX_KEY;

    private Catalogue catalogue() {
        return new Catalogue(server);
    }

    private String meterId(String name) {
        return catalogue().meter(KEY, Catalogue.uniqueName(name)).get("meter_id").asText();
    }

    private JsonNode freePlan() {
        List<JsonNode> free = catalogue().allItems(KEY, "/v1/plans").stream()
                .filter(plan -> plan.get("name").asText().equals("Free"))
                .filter(plan -> plan.get("period_amount").asText().equals("0.00"))
                .toList();
        assertThat(free).hasSize(1);
        return free.get(0);
    }

    /** Creates a plan offering bundles A, B and C, with B as the default auto top-up bundle. */
    private JsonNode planWithThreeBundles() {
        return catalogue().planFrom(KEY, """
                {"name": "%s", "period_amount": "20.00", "billing_interval": "month",
                 "credit_bundles": [
                   {"name": "A", "cost": "5.00", "credit_amount": "5"},
                   {"name": "B", "cost": "10.00", "credit_amount": "11"},
                   {"name": "C", "cost": "20.00", "credit_amount": "23"}],
                 "default_auto_top_up_bundle_index": 1}"""
                .formatted(Catalogue.uniqueName("Bundled")));
    }

    private static String bundleId(JsonNode plan, String name) {
        for (JsonNode bundle : plan.get("credit_bundles")) {
            if (bundle.get("name").asText().equals(name)) {
                return bundle.get("credit_bundle_id").asText();
            }
        }
        throw new AssertionError("plan has no bundle named " + name + ": " + plan);
    }

    @Test
    void freePlanIsPresent() {
        JsonNode free = freePlan();

        assertThat(free.get("plan_id").asText()).startsWith("pln_test_");
        assertThat(free.get("included_credit").asText()).isEqualTo("0.00");
        assertThat(free.get("billing_interval").asText()).isEqualTo("month");
    }

    @Test
    void freePlanIsUndeletable() {
        String freeId = freePlan().get("plan_id").asText();

        ApiResponse response = server.delete(KEY, "/v1/plans/" + freeId);

        assertError(response, 409, "plan_is_default", null);
        assertThat(server.get(KEY, "/v1/plans/" + freeId).status()).isEqualTo(200);
    }

    @Test
    void createAppliesDefaults() {
        ApiResponse response = server.post(KEY, "/v1/plans", """
                {"name": "Starter", "period_amount": "25.00", "billing_interval": "month"}""");

        assertThat(response.status()).isEqualTo(201);
        JsonNode plan = response.json();
        assertThat(plan.get("plan_id").asText()).matches("pln_test_[0-9A-Z]{26}");
        assertThat(plan.get("merchant_id").asText()).startsWith("mer_");
        assertThat(plan.get("name").asText()).isEqualTo("Starter");
        assertThat(plan.get("period_amount").asText()).isEqualTo("25.00");
        assertThat(plan.get("included_credit").asText()).isEqualTo("25.00");
        assertThat(plan.get("rollover_type").asText()).isEqualTo("none");
        assertThat(plan.get("bundle_rollover_type").asText()).isEqualTo("full");
        assertThat(plan.get("default_auto_top_up_bundle_id").isNull()).isTrue();
        assertThat(plan.get("linked_meters")).isEmpty();
        assertThat(plan.get("credit_bundles")).isEmpty();
        assertThat(plan.get("created_at").asText()).endsWith("Z");
    }

    @Test
    void createWithMetersAndBundles() {
        String first = meterId("First");
        String second = meterId("Second");

        ApiResponse response = server.post(KEY, "/v1/plans", """
                {"name": "Pro", "period_amount": "49.99", "included_credit": "60.125",
                 "billing_interval": "year", "rollover_type": "full",
                 "bundle_rollover_type": "none",
                 "meter_ids": ["%s", "%s"],
                 "credit_bundles": [{"name": "Small", "cost": "10", "credit_amount": "10.5"},
                                    {"name": "Large", "cost": "90.00", "credit_amount": "100"}],
                 "default_auto_top_up_bundle_index": 1}""".formatted(second, first));

        assertThat(response.status()).isEqualTo(201);
        JsonNode plan = response.json();
        assertThat(plan.get("included_credit").asText()).isEqualTo("60.125");
        assertThat(plan.get("rollover_type").asText()).isEqualTo("full");
        assertThat(plan.get("bundle_rollover_type").asText()).isEqualTo("none");
        assertThat(Catalogue.ids(plan.get("linked_meters"), "meter_id"))
                .containsExactly(second, first);
        assertThat(plan.at("/linked_meters/0/name").asText()).startsWith("Second");
        assertThat(plan.get("credit_bundles")).hasSize(2);
        assertThat(plan.at("/credit_bundles/0/cost").asText()).isEqualTo("10.00");
        assertThat(plan.at("/credit_bundles/0/credit_amount").asText()).isEqualTo("10.50");
        assertThat(plan.at("/credit_bundles/0/credit_bundle_id").asText()).startsWith("cb_test_");
        assertThat(plan.get("default_auto_top_up_bundle_id").asText())
                .isEqualTo(bundleId(plan, "Large"));
    }

    @Test
    void retrieveReturnsCreatedPlan() {
        JsonNode created = planWithThreeBundles();

        ApiResponse response = server.get(KEY, "/v1/plans/" + created.get("plan_id").asText());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).isEqualTo(created);
    }

    @Test
    void retrieveUnknownPlanIs404() {
        ApiResponse response = server.get(KEY, "/v1/plans/pln_test_01J00000000000000000000000");

        assertError(response, 404, "resource_missing", null);
    }

    @Test
    void updateChangesGivenFields() {
        JsonNode created = catalogue().plan(KEY, Catalogue.uniqueName("Editable"), "15.00");
        String id = created.get("plan_id").asText();

        ApiResponse updated = server.patch(KEY, "/v1/plans/" + id, """
                {"name": "Edited", "rollover_type": "full", "bundle_rollover_type": "none",
                 "included_credit": "20.5"}""");

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.at("/name")).isEqualTo("Edited");
        assertThat(updated.at("/rollover_type")).isEqualTo("full");
        assertThat(updated.at("/bundle_rollover_type")).isEqualTo("none");
        assertThat(updated.at("/included_credit")).isEqualTo("20.50");
        assertThat(updated.at("/period_amount")).isEqualTo("15.00");
        assertThat(updated.at("/billing_interval")).isEqualTo("month");
        assertThat(server.get(KEY, "/v1/plans/" + id).json()).isEqualTo(updated.json());
    }

    @Test
    void updateReplacesMeterLinks() {
        String first = meterId("Kept");
        String second = meterId("Dropped");
        String third = meterId("Added");
        String id = catalogue().planFrom(KEY, """
                {"name": "Linked", "period_amount": "1.00", "billing_interval": "day",
                 "meter_ids": ["%s", "%s"]}""".formatted(first, second)).get("plan_id").asText();

        ApiResponse updated = server.patch(KEY, "/v1/plans/" + id,
                "{\"meter_ids\": [\"%s\", \"%s\"]}".formatted(third, first));

        assertThat(updated.status()).isEqualTo(200);
        assertThat(Catalogue.ids(updated.json().get("linked_meters"), "meter_id"))
                .containsExactly(third, first);
        assertThat(server.delete(KEY, "/v1/meters/" + second).status()).isEqualTo(200);
    }

    @Test
    void updateWithoutMeterIdsKeepsLinks() {
        String meter = meterId("Untouched");
        String id = catalogue().planFrom(KEY, """
                {"name": "Keeps links", "period_amount": "1.00", "billing_interval": "day",
                 "meter_ids": ["%s"]}""".formatted(meter)).get("plan_id").asText();

        ApiResponse updated = server.patch(KEY, "/v1/plans/" + id, "{\"name\": \"Renamed\"}");

        assertThat(Catalogue.ids(updated.json().get("linked_meters"), "meter_id"))
                .containsExactly(meter);
    }

    @Test
    void updateReconcilesBundles() {
        JsonNode plan = planWithThreeBundles();
        String id = plan.get("plan_id").asText();
        String changed = bundleId(plan, "A");
        String removed = bundleId(plan, "B");
        String untouched = bundleId(plan, "C");

        ApiResponse updated = server.patch(KEY, "/v1/plans/" + id, """
                {"credit_bundles": [
                   {"credit_bundle_id": "%s", "cost": "6.00", "name": "A2"},
                   {"credit_bundle_id": "%s", "is_deleted": true},
                   {"name": "D", "cost": "50.00", "credit_amount": "60"}]}"""
                .formatted(changed, removed));

        assertThat(updated.status()).as(updated.text()).isEqualTo(200);
        JsonNode after = updated.json();
        assertThat(after.get("credit_bundles")).hasSize(3);
        assertThat(bundleId(after, "A2")).isEqualTo(changed);
        assertThat(bundleId(after, "C")).isEqualTo(untouched);
        assertThat(bundleId(after, "D")).isNotIn(changed, removed, untouched);
        ApiResponse stored = server.get(KEY, "/v1/credit_bundles/" + changed);
        assertThat(stored.at("/cost")).isEqualTo("6.00");
        assertThat(stored.at("/credit_amount")).isEqualTo("5.00");
        assertThat(server.get(KEY, "/v1/credit_bundles/" + removed).status()).isEqualTo(404);
        assertThat(after.get("default_auto_top_up_bundle_id").isNull()).isTrue();
    }

    @Test
    void updateSetsDefaultBundle() {
        JsonNode plan = planWithThreeBundles();
        String path = "/v1/plans/" + plan.get("plan_id").asText();
        String bundleC = bundleId(plan, "C");

        ApiResponse set = server.patch(KEY, path,
                "{\"default_auto_top_up_bundle_id\": \"" + bundleC + "\"}");
        ApiResponse afterRename = server.patch(KEY, path, "{\"name\": \"Still C\"}");
        ApiResponse cleared = server.patch(KEY, path, "{\"default_auto_top_up_bundle_id\": null}");

        assertThat(set.at("/default_auto_top_up_bundle_id")).isEqualTo(bundleC);
        assertThat(afterRename.at("/default_auto_top_up_bundle_id")).isEqualTo(bundleC);
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(cleared.at("/default_auto_top_up_bundle_id")).isNull();
    }

    @Test
    void defaultBundleOfOtherPlanRejected() {
        JsonNode plan = planWithThreeBundles();
        JsonNode other = planWithThreeBundles();

        ApiResponse response = server.patch(KEY, "/v1/plans/" + plan.get("plan_id").asText(),
                "{\"default_auto_top_up_bundle_id\": \"" + bundleId(other, "A") + "\"}");

        assertError(response, 400, "resource_missing", "default_auto_top_up_bundle_id");
    }

    @Test
    void failedUpdateChangesNothing() {
        JsonNode plan = planWithThreeBundles();
        String path = "/v1/plans/" + plan.get("plan_id").asText();
        String meter = meterId("Not linked");

        ApiResponse response = server.patch(KEY, path, """
                {"name": "Half applied", "meter_ids": ["%s"], "credit_bundles": [
                   {"credit_bundle_id": "%s", "name": "Renamed"},
                   {"name": "New", "cost": "1.00", "credit_amount": "1"},
                   {"credit_bundle_id": "cb_test_01J00000000000000000000000", "name": "Ghost"}]}"""
                .formatted(meter, bundleId(plan, "A")));

        assertError(response, 400, "resource_missing", "credit_bundles[2].credit_bundle_id");
        assertThat(server.get(KEY, path).json()).isEqualTo(plan);
    }

    @Test
    void subscribedPlanIsUndeletable() {
        String planId = catalogue().plan(KEY, Catalogue.uniqueName("Subscribed"), "9.00")
                .get("plan_id").asText();
        String customerId = catalogue().customer(KEY, Catalogue.uniqueName("subscriber"))
                .get("customer_id").asText();
        // Paid plans are bought through checkout, so the test moves the subscription directly.
        server.server().database().jdbi().useHandle(handle -> handle.createUpdate(
                        "UPDATE subscriptions SET plan_id = :plan WHERE customer_id = :customer")
                .bind("plan", planId)
                .bind("customer", customerId)
                .execute());

        ApiResponse rejected = server.delete(KEY, "/v1/plans/" + planId);
        ApiResponse customerDeleted = server.delete(KEY, "/v1/customers/" + customerId);
        ApiResponse deleted = server.delete(KEY, "/v1/plans/" + planId);

        assertError(rejected, 409, "plan_in_use", null);
        assertThat(customerDeleted.status()).isEqualTo(200);
        assertThat(deleted.status()).isEqualTo(200);
    }

    @Test
    void deleteHidesPlanAndBundles() {
        JsonNode plan = planWithThreeBundles();
        String id = plan.get("plan_id").asText();

        ApiResponse deleted = server.delete(KEY, "/v1/plans/" + id);

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.at("/id")).isEqualTo(id);
        assertThat(deleted.json().get("deleted").asBoolean()).isTrue();
        assertThat(server.get(KEY, "/v1/plans/" + id).status()).isEqualTo(404);
        assertThat(server.get(KEY, "/v1/credit_bundles/" + bundleId(plan, "A")).status())
                .isEqualTo(404);
        assertThat(server.get(KEY, "/v1/credit_bundles?plan_id=" + id).status()).isEqualTo(404);
        assertThat(server.delete(KEY, "/v1/plans/" + id).status()).isEqualTo(404);
    }

    @Test
    void listPagesNewestFirst() {
        String older = catalogue().plan(KEY, Catalogue.uniqueName("Older"), "1.00")
                .get("plan_id").asText();
        String newer = catalogue().plan(KEY, Catalogue.uniqueName("Newer"), "2.00")
                .get("plan_id").asText();

        ApiResponse first = server.get(KEY, "/v1/plans?limit=1");
        ApiResponse second = server.get(KEY, "/v1/plans?limit=1&cursor="
                + first.at("/next_cursor"));

        assertThat(first.at("/data/0/plan_id")).isEqualTo(newer);
        assertThat(first.json().get("has_more").asBoolean()).isTrue();
        assertThat(first.at("/next_cursor")).isEqualTo(newer);
        assertThat(second.at("/data/0/plan_id")).isEqualTo(older);
    }
}
