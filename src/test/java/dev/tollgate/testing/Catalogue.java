package dev.tollgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates meters, plans and customers through the API for tests, and reads list pages. Names
 * from {@link #uniqueName} carry a counter, so tests that share one server never collide.
 */
public final class Catalogue {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final TestServer server;

    public Catalogue(TestServer server) {
        this.server = server;
    }

    /** Returns a name that no other call of this class returned, such as {@code meter-17}. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet();
    }

    /** Creates a fixed-rate token meter with one tier and returns its JSON. */
    public JsonNode meter(String key, String name) {
        ApiResponse response = server.post(key, "/v1/meters", """
                {"name": "%s", "rate_type": "fixed", "tier_type": "tokens_1m",
                 "tiers": [{"start": "0", "rate": "2"}]}""".formatted(name));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    /** Creates a uniquely named meter and returns its id. */
    public String newMeterId(String key, String namePrefix) {
        return meter(key, uniqueName(namePrefix)).get("meter_id").asText();
    }

    /** Creates a customer with a unique reference id and returns the customer's id. */
    public String newCustomerId(String key, String referencePrefix) {
        return customer(key, uniqueName(referencePrefix)).get("customer_id").asText();
    }

    /** Creates a monthly plan with the given fee and no meters or bundles, returning its JSON. */
    public JsonNode plan(String key, String name, String periodAmount) {
        ApiResponse response = server.post(key, "/v1/plans", """
                {"name": "%s", "period_amount": "%s", "billing_interval": "month"}"""
                .formatted(name, periodAmount));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    /** Creates a plan from a JSON body and returns its JSON. */
    public JsonNode planFrom(String key, String json) {
        ApiResponse response = server.post(key, "/v1/plans", json);
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    /** Creates a customer with a reference id and returns its JSON. */
    public JsonNode customer(String key, String referenceId) {
        ApiResponse response = server.post(key, "/v1/customers",
                "{\"reference_id\": \"" + referenceId + "\"}");
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    /** Returns the ids of the first page of a list, at the maximum page size of 100. */
    public List<String> firstPageIds(String key, String path, String idField) {
        String separator = path.contains("?") ? "&" : "?";
        ApiResponse response = server.get(key, path + separator + "limit=100");
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return ids(response.json().get("data"), idField);
    }

    /** Returns every item of a list, following next_cursor from page to page. */
    public List<JsonNode> allItems(String key, String path) {
        List<JsonNode> items = new ArrayList<>();
        String separator = path.contains("?") ? "&" : "?";
        String cursor = null;
        do {
            ApiResponse page = server.get(key, path + separator + "limit=100"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            page.json().get("data").forEach(items::add);
            cursor = page.at("/next_cursor");
        } while (cursor != null);
        return items;
    }

    /** Returns the {@code idField} value of every item of a list, following next_cursor. */
    public List<String> allIds(String key, String path, String idField) {
        return allItems(key, path).stream().map(item -> item.get(idField).asText()).toList();
    }

    /** Returns the values of {@code idField} of each element of a JSON array. */
    public static List<String> ids(JsonNode array, String idField) {
        List<String> ids = new ArrayList<>();
        for (JsonNode item : array) {
            ids.add(item.get(idField).asText());
        }
        return ids;
    }
}
