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

class CreditBundlesApiTest extends BothDatabases {
    private static final String KEY = TestServer.SANDBOX_KEY;

    private Catalogue catalogue() {
        return new Catalogue(server);
    }

    /** Creates a plan offering two bundles, "<prefix> small" then "<prefix> large". */
    private JsonNode planWithBundles(String prefix) {
        return catalogue().planFrom(KEY, """
                {"name": "%s", "period_amount": "10.00", "billing_interval": "month",
                 "credit_bundles": [
                   {"name": "%s small", "cost": "5.00", "credit_amount": "5.5"},
                   {"name": "%s large", "cost": "50", "credit_amount": "0.0000000001"}]}"""
                .formatted(Catalogue.uniqueName(prefix), prefix, prefix));
    }

    private static List<String> bundleIds(JsonNode plan) {
        return Catalogue.ids(plan.get("credit_bundles"), "credit_bundle_id");
    }

    @Test
    void retrieveReturnsBundle() {
        JsonNode plan = planWithBundles("Retrieve");
        String id = bundleIds(plan).get(0);

        ApiResponse response = server.get(KEY, "/v1/credit_bundles/" + id);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.at("/credit_bundle_id")).isEqualTo(id);
        assertThat(response.at("/plan_id")).isEqualTo(plan.get("plan_id").asText());
        assertThat(response.at("/name")).isEqualTo("Retrieve small");
        assertThat(response.at("/cost")).isEqualTo("5.00");
        assertThat(response.at("/credit_amount")).isEqualTo("5.50");
        assertThat(response.at("/created_at")).endsWith("Z");
    }

    @Test
    void amountsKeepTenDigits() {
        String id = bundleIds(planWithBundles("Precise")).get(1);

        ApiResponse response = server.get(KEY, "/v1/credit_bundles/" + id);

        assertThat(response.at("/cost")).isEqualTo("50.00");
        assertThat(response.at("/credit_amount")).isEqualTo("0.0000000001");
    }

    @Test
    void retrieveUnknownBundleIs404() {
        ApiResponse response = server.get(KEY,
                "/v1/credit_bundles/cb_test_01J00000000000000000000000");

        assertError(response, 404, "resource_missing", null);
    }

    @Test
    void listCoversAllPlans() {
        List<String> first = bundleIds(planWithBundles("One"));
        List<String> second = bundleIds(planWithBundles("Two"));

        List<String> listed = catalogue().allIds(KEY, "/v1/credit_bundles", "credit_bundle_id");

        assertThat(listed)
                .containsSubsequence(second.get(1), second.get(0), first.get(1), first.get(0));
    }

    @Test
    void listFiltersByPlan() {
        JsonNode plan = planWithBundles("Filtered");
        planWithBundles("Other");

        ApiResponse response = server.get(KEY,
                "/v1/credit_bundles?plan_id=" + plan.get("plan_id").asText());

        assertThat(response.status()).isEqualTo(200);
        List<String> ids = Catalogue.ids(response.json().get("data"), "credit_bundle_id");
        assertThat(ids).containsExactly(bundleIds(plan).get(1), bundleIds(plan).get(0));
        assertThat(response.json().get("has_more").asBoolean()).isFalse();
        assertThat(response.json().get("next_cursor").isNull()).isTrue();
    }

    @Test
    void filteredListPagesWithCursor() {
        JsonNode plan = planWithBundles("Paged");
        String path = "/v1/credit_bundles?plan_id=" + plan.get("plan_id").asText() + "&limit=1";

        ApiResponse first = server.get(KEY, path);
        ApiResponse second = server.get(KEY, path + "&cursor=" + first.at("/next_cursor"));

        assertThat(first.at("/data/0/credit_bundle_id")).isEqualTo(bundleIds(plan).get(1));
        assertThat(first.json().get("has_more").asBoolean()).isTrue();
        assertThat(second.at("/data/0/credit_bundle_id")).isEqualTo(bundleIds(plan).get(0));
        assertThat(second.json().get("has_more").asBoolean()).isFalse();
    }

    @Test
    void unknownPlanFilterIs404() {
        ApiResponse response = server.get(KEY,
                "/v1/credit_bundles?plan_id=pln_test_01J00000000000000000000000");

        assertError(response, 404, "resource_missing", null);
    }

    @Test
    void removedBundleIsHidden() {
        JsonNode plan = planWithBundles("Removed");
        String removed = bundleIds(plan).get(0);

        ApiResponse update = server.patch(KEY, "/v1/plans/" + plan.get("plan_id").asText(), """
                {"credit_bundles": [{"credit_bundle_id": "%s", "is_deleted": true}]}"""
                .formatted(removed));

        assertThat(update.status()).isEqualTo(200);
        assertThat(server.get(KEY, "/v1/credit_bundles/" + removed).status()).isEqualTo(404);
        assertThat(catalogue().allIds(KEY, "/v1/credit_bundles", "credit_bundle_id"))
                .doesNotContain(removed)
                .contains(bundleIds(plan).get(1));
    }
}
