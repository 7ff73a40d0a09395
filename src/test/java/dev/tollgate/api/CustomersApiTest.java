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

class CustomersApiTest extends BothDatabases {
    private static final String KEY = TestServer.SANDBOX_KEY;

    private Catalogue catalogue() {
        return new Catalogue(server);
    }

    private String freePlanId() {
        return catalogue().allItems(KEY, "/v1/plans").stream()
                .filter(plan -> plan.get("name").asText().equals("Free"))
                .filter(plan -> plan.get("period_amount").asText().equals("0.00"))
                .map(plan -> plan.get("plan_id").asText())
                .findFirst()
                .orElseThrow();
    }

    private JsonNode fullCustomer(String referenceId) {
        ApiResponse response = server.post(KEY, "/v1/customers", """
                {"reference_id": "%s", "email": "ada@example.com", "phone": "+1 202 555 0100",
                 "name": "Ada King Lovelace", "metadata": {"tier": "gold", "seats": 3}}"""
                .formatted(referenceId));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    @Test
    void createStoresAllFields() {
        String reference = Catalogue.uniqueName("user");

        JsonNode customer = fullCustomer(reference);

        assertThat(customer.get("customer_id").asText()).matches("con_test_[0-9A-Z]{26}");
        assertThat(customer.get("reference_id").asText()).isEqualTo(reference);
        assertThat(customer.at("/contact/phone").asText()).isEqualTo("+12025550100");
        assertThat(customer.at("/contact/email").asText()).isEqualTo("ada@example.com");
        assertThat(customer.at("/contact/first_name").asText()).isEqualTo("Ada");
        assertThat(customer.at("/contact/last_name").asText()).isEqualTo("King Lovelace");
        assertThat(customer.at("/metadata/tier").asText()).isEqualTo("gold");
        assertThat(customer.at("/metadata/seats").asInt()).isEqualTo(3);
        assertThat(customer.get("created_at").asText()).endsWith("Z");
    }

    @Test
    void newCustomerIsOnFreePlan() {
        JsonNode customer = catalogue().customer(KEY, Catalogue.uniqueName("fresh"));

        JsonNode subscription = customer.get("subscription");

        assertThat(subscription.get("subscription_id").asText()).startsWith("sub_test_");
        assertThat(subscription.get("plan_id").asText()).isEqualTo(freePlanId());
        assertThat(subscription.get("name").asText()).isEqualTo("Free");
        assertThat(subscription.get("status").asText()).isEqualTo("active");
    }

    @Test
    void createWithEmptyBody() {
        ApiResponse response = server.post(KEY, "/v1/customers", "{}");

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.json().get("reference_id").isNull()).isTrue();
        assertThat(response.at("/contact/email")).isNull();
        assertThat(response.at("/contact/first_name")).isNull();
        assertThat(response.json().get("metadata").isNull()).isTrue();
        assertThat(response.at("/subscription/name")).isEqualTo("Free");
    }

    @Test
    void createIsIdempotentOnReference() {
        String reference = Catalogue.uniqueName("repeat");
        JsonNode first = fullCustomer(reference);

        ApiResponse second = server.post(KEY, "/v1/customers", """
                {"reference_id": "%s", "email": "other@example.com"}""".formatted(reference));

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.at("/customer_id")).isEqualTo(first.get("customer_id").asText());
        assertThat(second.at("/contact/email")).isEqualTo("ada@example.com");
    }

    @Test
    void metadataKeepsEscapedCharacters() {
        ApiResponse created = server.post(KEY, "/v1/customers", """
                {"metadata": {"note": "tab\\there, nul\\u0000here",
                              "nested": {"list": [1, "two"]}}}""");

        ApiResponse stored = server.get(KEY, "/v1/customers/" + created.at("/customer_id"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(stored.at("/metadata/note")).isEqualTo("tab\there, nul\u0000here");
        assertThat(stored.at("/metadata/nested/list/1")).isEqualTo("two");
    }

    @Test
    void customersWithoutReferenceAreDistinct() {
        ApiResponse first = server.post(KEY, "/v1/customers", "{\"email\": \"same@example.com\"}");
        ApiResponse second = server.post(KEY, "/v1/customers", "{\"email\": \"same@example.com\"}");

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.at("/customer_id")).isNotEqualTo(first.at("/customer_id"));
    }

    @Test
    void retrieveByIdAndReference() {
        String reference = Catalogue.uniqueName("lookup");
        JsonNode created = fullCustomer(reference);

        ApiResponse byId = server.get(KEY, "/v1/customers/" + created.get("customer_id").asText());
        ApiResponse byReference = server.get(KEY, "/v1/customers/" + reference);

        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.json()).isEqualTo(created);
        assertThat(byReference.status()).isEqualTo(200);
        assertThat(byReference.json()).isEqualTo(created);
    }

    @Test
    void retrieveUnknownCustomerIs404() {
        ApiResponse response = server.get(KEY, "/v1/customers/" + Catalogue.uniqueName("nobody"));

        assertError(response, 404, "resource_missing", null);
    }

    @Test
    void updateWithNullsClearsFields() {
        String reference = Catalogue.uniqueName("clear");
        String id = fullCustomer(reference).get("customer_id").asText();

        ApiResponse updated = server.patch(KEY, "/v1/customers/" + id, """
                {"email": null, "phone": null, "name": null, "metadata": null}""");

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.at("/contact/email")).isNull();
        assertThat(updated.at("/contact/phone")).isNull();
        assertThat(updated.at("/contact/first_name")).isNull();
        assertThat(updated.at("/contact/last_name")).isNull();
        assertThat(updated.json().get("metadata").isNull()).isTrue();
        assertThat(updated.at("/reference_id")).isEqualTo(reference);
        assertThat(server.get(KEY, "/v1/customers/" + id).json()).isEqualTo(updated.json());
    }

    @Test
    void updateKeepsAbsentFields() {
        String reference = Catalogue.uniqueName("partial");
        String id = fullCustomer(reference).get("customer_id").asText();

        ApiResponse updated = server.patch(KEY, "/v1/customers/" + reference, """
                {"email": "grace@example.com", "name": "Grace"}""");

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.at("/customer_id")).isEqualTo(id);
        assertThat(updated.at("/contact/email")).isEqualTo("grace@example.com");
        assertThat(updated.at("/contact/first_name")).isEqualTo("Grace");
        assertThat(updated.at("/contact/last_name")).isNull();
        assertThat(updated.at("/contact/phone")).isEqualTo("+12025550100");
        assertThat(updated.at("/metadata/tier")).isEqualTo("gold");
    }

    @Test
    void updateChangesReferenceId() {
        String oldReference = Catalogue.uniqueName("old");
        String newReference = Catalogue.uniqueName("new");
        String id = catalogue().customer(KEY, oldReference).get("customer_id").asText();

        ApiResponse updated = server.patch(KEY, "/v1/customers/" + id,
                "{\"reference_id\": \"" + newReference + "\"}");

        assertThat(updated.at("/reference_id")).isEqualTo(newReference);
        assertThat(server.get(KEY, "/v1/customers/" + newReference).at("/customer_id"))
                .isEqualTo(id);
        assertThat(server.get(KEY, "/v1/customers/" + oldReference).status()).isEqualTo(404);
    }

    @Test
    void takenReferenceIdIsConflict() {
        String takenReference = Catalogue.uniqueName("taken");
        catalogue().customer(KEY, takenReference);
        String id = catalogue().newCustomerId(KEY, "mover");

        ApiResponse response = server.patch(KEY, "/v1/customers/" + id,
                "{\"reference_id\": \"" + takenReference + "\"}");

        assertError(response, 409, "reference_id_taken", "reference_id");
    }

    @Test
    void updateUnknownCustomerIs404() {
        ApiResponse response = server.patch(KEY, "/v1/customers/" + Catalogue.uniqueName("ghost"),
                "{\"email\": \"ghost@example.com\"}");

        assertError(response, 404, "resource_missing", null);
    }

    @Test
    void deleteFreesReferenceId() {
        String reference = Catalogue.uniqueName("leaving");
        String id = catalogue().customer(KEY, reference).get("customer_id").asText();

        ApiResponse deleted = server.delete(KEY, "/v1/customers/" + id);
        ApiResponse recreated = server.post(KEY, "/v1/customers",
                "{\"reference_id\": \"" + reference + "\"}");

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("success").asBoolean()).isTrue();
        assertThat(server.get(KEY, "/v1/customers/" + id).status()).isEqualTo(404);
        assertThat(recreated.status()).isEqualTo(201);
        assertThat(recreated.at("/customer_id")).isNotEqualTo(id);
        assertThat(recreated.at("/subscription/status")).isEqualTo("active");
    }

    @Test
    void deleteByReferenceId() {
        String reference = Catalogue.uniqueName("by-reference");
        String id = catalogue().customer(KEY, reference).get("customer_id").asText();

        ApiResponse deleted = server.delete(KEY, "/v1/customers/" + reference);

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(server.get(KEY, "/v1/customers/" + reference).status()).isEqualTo(404);
        assertThat(catalogue().allIds(KEY, "/v1/customers", "customer_id")).doesNotContain(id);
        assertError(server.delete(KEY, "/v1/customers/" + id), 404, "resource_missing", null);
    }

    @Test
    void listPagesNewestFirst() {
        String older = catalogue().newCustomerId(KEY, "first");
        String newer = catalogue().newCustomerId(KEY, "second");

        ApiResponse first = server.get(KEY, "/v1/customers?limit=1");
        ApiResponse second = server.get(KEY, "/v1/customers?limit=1&cursor="
                + first.at("/next_cursor"));
        List<String> all = catalogue().allIds(KEY, "/v1/customers", "customer_id");

        assertThat(first.at("/data/0/customer_id")).isEqualTo(newer);
        assertThat(first.json().get("has_more").asBoolean()).isTrue();
        assertThat(second.at("/data/0/customer_id")).isEqualTo(older);
        assertThat(all).startsWith(newer, older);
        assertThat(all).doesNotHaveDuplicates();
    }
}
