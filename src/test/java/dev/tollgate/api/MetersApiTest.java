package dev.tollgate.api;

import static dev.tollgate.testing.ApiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.Catalogue;
import dev.tollgate.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetersApiTest extends BothDatabases {
    private static final String KEY = TestServer.SANDBOX_KEY;

    private Catalogue catalogue() {
        return new Catalogue(server);
    }

    private ApiResponse createMeter(String json) {
        return server.post(KEY, "/v1/meters", json);
    }

    @Test
    void createReturnsFullMeter() {
        String name = Catalogue.uniqueName("Chat Tokens");

        ApiResponse response = createMeter("""
                {"name": "%s", "rate_type": "fixed", "tier_type": "tokens_1m",
                 "tiers": [{"start": "0", "rate": "5"}, {"start": "1000000", "rate": "2.50"},
                           {"start": 10000000, "rate": "0.0000000001"}]}""".formatted(name));

        assertThat(response.status()).isEqualTo(201);
        JsonNode meter = response.json();
        assertThat(meter.get("meter_id").asText()).matches("prd_test_[0-9A-Z]{26}");
        String slug = name.toLowerCase().replace(' ', '-');
        assertThat(meter.get("meter_slug").asText()).isEqualTo(slug);
        assertThat(meter.get("name").asText()).isEqualTo(name);
        assertThat(meter.get("rate_type").asText()).isEqualTo("fixed");
        assertThat(meter.get("tier_type").asText()).isEqualTo("tokens_1m");
        assertThat(meter.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]{12}Z");
        JsonNode tiers = meter.get("tiers");
        assertThat(tiers).hasSize(3);
        assertThat(tiers.get(1).get("start").isNumber()).isTrue();
        assertThat(tiers.get(1).get("start").asLong()).isEqualTo(1_000_000L);
        assertThat(tiers.get(1).get("rate").asText()).isEqualTo("2.5");
        assertThat(tiers.get(2).get("start").asLong()).isEqualTo(10_000_000L);
        assertThat(tiers.get(2).get("rate").asText()).isEqualTo("0.0000000001");
        assertThat(tiers.get(0).get("type").asText()).isEqualTo("tokens_1m");
    }

    @Test
    void createKeepsGivenSlug() {
        String slug = Catalogue.uniqueName("given_slug");

        ApiResponse response = createMeter("""
                {"name": "Anything", "meter_slug": "%s", "rate_type": "percentage",
                 "tier_type": "requests", "tiers": [{"start": "0", "rate": "10"}]}"""
                .formatted(slug));

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.at("/meter_slug")).isEqualTo(slug);
        assertThat(response.at("/rate_type")).isEqualTo("percentage");
    }

    @Test
    void duplicateGivenSlugIsConflict() {
        String slug = Catalogue.uniqueName("taken");
        String body = """
                {"name": "First", "meter_slug": "%s", "rate_type": "fixed",
                 "tier_type": "requests", "tiers": [{"start": "0", "rate": "1"}]}"""
                .formatted(slug);
        assertThat(createMeter(body).status()).isEqualTo(201);

        ApiResponse second = createMeter(body);

        assertError(second, 409, "slug_taken", "meter_slug");
    }

    @Test
    void duplicateDerivedSlugGetsSuffix() {
        String name = Catalogue.uniqueName("Image Calls");
        String base = name.toLowerCase().replace(' ', '-');

        JsonNode first = catalogue().meter(KEY, name);
        JsonNode second = catalogue().meter(KEY, name);
        JsonNode third = catalogue().meter(KEY, name);

        assertThat(first.get("meter_slug").asText()).isEqualTo(base);
        assertThat(second.get("meter_slug").asText()).isEqualTo(base + "-2");
        assertThat(third.get("meter_slug").asText()).isEqualTo(base + "-3");
    }

    @Test
    void derivedSuffixOnLongNameStaysClean() {
        // The slug of this name is cut to 64 characters, so cutting 2 more for "-2" ends on '-'.
        String unique = Catalogue.uniqueName("long").replace("-", "");
        String name = unique + "a".repeat(61 - unique.length()) + " bcd";

        JsonNode first = catalogue().meter(KEY, name);
        JsonNode second = catalogue().meter(KEY, name);

        String firstSlug = first.get("meter_slug").asText();
        String secondSlug = second.get("meter_slug").asText();
        assertThat(firstSlug).hasSizeLessThanOrEqualTo(64);
        assertThat(secondSlug).hasSizeLessThanOrEqualTo(64);
        assertThat(secondSlug).endsWith("-2");
        assertThat(secondSlug).doesNotContain("--");
        assertThat(secondSlug).isNotEqualTo(firstSlug);
    }

    @Test
    void deletedMeterFreesItsSlug() {
        String slug = Catalogue.uniqueName("reusable");
        String body = """
                {"name": "Reusable", "meter_slug": "%s", "rate_type": "fixed",
                 "tier_type": "minutes", "tiers": [{"start": "0", "rate": "0.01"}]}"""
                .formatted(slug);
        String firstId = createMeter(body).at("/meter_id");
        assertThat(server.delete(KEY, "/v1/meters/" + firstId).status()).isEqualTo(200);

        ApiResponse again = createMeter(body);

        assertThat(again.status()).isEqualTo(201);
        assertThat(again.at("/meter_id")).isNotEqualTo(firstId);
    }

    @Test
    void retrieveReturnsCreatedMeter() {
        JsonNode created = catalogue().meter(KEY, Catalogue.uniqueName("Retrieve"));

        ApiResponse response = server.get(KEY, "/v1/meters/" + created.get("meter_id").asText());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).isEqualTo(created);
    }

    @Test
    void retrieveUnknownMeterIs404() {
        ApiResponse response = server.get(KEY, "/v1/meters/prd_test_01J00000000000000000000000");

        assertError(response, 404, "resource_missing", null);
    }

    @Test
    void updateChangesNameAndTiers() {
        JsonNode created = catalogue().meter(KEY, Catalogue.uniqueName("Before"));
        String id = created.get("meter_id").asText();

        ApiResponse updated = server.patch(KEY, "/v1/meters/" + id, """
                {"name": "After",
                 "tiers": [{"start": "0", "rate": "3"}, {"start": "500", "rate": "1"}]}""");

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.at("/name")).isEqualTo("After");
        assertThat(updated.at("/meter_slug")).isEqualTo(created.get("meter_slug").asText());
        assertThat(updated.json().get("tiers")).hasSize(2);
        assertThat(updated.at("/tiers/1/start")).isEqualTo("500");
        ApiResponse stored = server.get(KEY, "/v1/meters/" + id);
        assertThat(stored.json()).isEqualTo(updated.json());
    }

    @Test
    void updateWithoutFieldsChangesNothing() {
        JsonNode created = catalogue().meter(KEY, Catalogue.uniqueName("Unchanged"));

        String path = "/v1/meters/" + created.get("meter_id").asText();

        ApiResponse updated = server.patch(KEY, path, "{}");

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json()).isEqualTo(created);
    }

    @Test
    void updateRejectsRateType() {
        JsonNode created = catalogue().meter(KEY, Catalogue.uniqueName("Fixed"));

        ApiResponse response = server.patch(KEY, "/v1/meters/" + created.get("meter_id").asText(),
                "{\"rate_type\": \"percentage\"}");

        assertError(response, 400, "invalid_value", "rate_type");
    }

    @Test
    void updateUnknownMeterIs404() {
        ApiResponse response = server.patch(KEY, "/v1/meters/prd_test_01J00000000000000000000000",
                "{\"name\": \"x\"}");

        assertError(response, 404, "resource_missing", null);
    }

    @Test
    void deleteHidesMeter() {
        String id = catalogue().newMeterId(KEY, "Doomed");

        ApiResponse deleted = server.delete(KEY, "/v1/meters/" + id);

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.at("/id")).isEqualTo(id);
        assertThat(deleted.json().get("deleted").asBoolean()).isTrue();
        assertThat(server.get(KEY, "/v1/meters/" + id).status()).isEqualTo(404);
        assertThat(catalogue().firstPageIds(KEY, "/v1/meters", "meter_id")).doesNotContain(id);
        assertThat(server.delete(KEY, "/v1/meters/" + id).status()).isEqualTo(404);
    }

    @Test
    void linkedMeterIsUndeletable() {
        String meterId = catalogue().newMeterId(KEY, "Linked");
        String planId = catalogue().planFrom(KEY, """
                {"name": "Linking plan", "period_amount": "5.00", "billing_interval": "month",
                 "meter_ids": ["%s"]}""".formatted(meterId)).get("plan_id").asText();

        ApiResponse rejected = server.delete(KEY, "/v1/meters/" + meterId);

        assertError(rejected, 409, "meter_in_use", null);
        assertThat(rejected.at("/error/message")).contains(planId);
        assertThat(server.get(KEY, "/v1/meters/" + meterId).status()).isEqualTo(200);
        assertThat(server.patch(KEY, "/v1/plans/" + planId, "{\"meter_ids\": []}").status())
                .isEqualTo(200);
        assertThat(server.delete(KEY, "/v1/meters/" + meterId).status()).isEqualTo(200);
    }

    @Test
    void meterOfDeletedPlanIsDeletable() {
        String meterId = catalogue().newMeterId(KEY, "Orphan");
        String planId = catalogue().planFrom(KEY, """
                {"name": "Short plan", "period_amount": "1.00", "billing_interval": "week",
                 "meter_ids": ["%s"]}""".formatted(meterId)).get("plan_id").asText();
        assertThat(server.delete(KEY, "/v1/plans/" + planId).status()).isEqualTo(200);

        ApiResponse deleted = server.delete(KEY, "/v1/meters/" + meterId);

        assertThat(deleted.status()).isEqualTo(200);
    }

    @Test
    void listIsNewestFirst() {
        String older = catalogue().newMeterId(KEY, "Older");
        String newer = catalogue().newMeterId(KEY, "Newer");

        List<String> ids = catalogue().firstPageIds(KEY, "/v1/meters", "meter_id");

        assertThat(ids).startsWith(newer, older);
    }

    @Test
    void listDefaultsToTenItems() {
        for (int i = 0; i < 11; i++) {
            catalogue().meter(KEY, Catalogue.uniqueName("Filler"));
        }

        ApiResponse page = server.get(KEY, "/v1/meters");

        assertThat(page.json().get("data")).hasSize(10);
        assertThat(page.json().get("has_more").asBoolean()).isTrue();
    }

    @Test
    void cursorWalksWholeList() {
        for (int i = 0; i < 5; i++) {
            catalogue().meter(KEY, Catalogue.uniqueName("Paged"));
        }
        List<String> expected = catalogue().firstPageIds(KEY, "/v1/meters", "meter_id");

        List<String> walked = new ArrayList<>();
        String cursor = null;
        boolean hasMore = true;
        while (hasMore) {
            ApiResponse page = server.get(KEY, "/v1/meters?limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.json().get("data").size()).isBetween(1, 2);
            walked.addAll(Catalogue.ids(page.json().get("data"), "meter_id"));
            hasMore = page.json().get("has_more").asBoolean();
            cursor = page.at("/next_cursor");
            assertThat(cursor == null).isEqualTo(!hasMore);
        }

        assertThat(walked).isEqualTo(expected);
    }

    @Test
    void cursorOfDeletedMeterStillPages() {
        for (int i = 0; i < 4; i++) {
            catalogue().meter(KEY, Catalogue.uniqueName("Cursor"));
        }
        List<String> before = catalogue().firstPageIds(KEY, "/v1/meters", "meter_id");
        ApiResponse first = server.get(KEY, "/v1/meters?limit=2");
        String cursor = first.at("/next_cursor");
        assertThat(server.delete(KEY, "/v1/meters/" + cursor).status()).isEqualTo(200);

        ApiResponse second = server.get(KEY, "/v1/meters?limit=2&cursor=" + cursor);

        assertThat(cursor).isEqualTo(before.get(1));
        assertThat(Catalogue.ids(second.json().get("data"), "meter_id"))
                .isEqualTo(before.subList(2, 4));
    }

    @Test
    void pageBoundaryStableUnderInserts() {
        for (int i = 0; i < 6; i++) {
            catalogue().meter(KEY, Catalogue.uniqueName("Stable"));
        }
        List<String> before = catalogue().firstPageIds(KEY, "/v1/meters", "meter_id");
        ApiResponse first = server.get(KEY, "/v1/meters?limit=3");

        String inserted = catalogue().newMeterId(KEY, "Inserted");
        ApiResponse second = server.get(KEY, "/v1/meters?limit=3&cursor="
                + first.at("/next_cursor"));

        List<String> firstIds = Catalogue.ids(first.json().get("data"), "meter_id");
        List<String> secondIds = Catalogue.ids(second.json().get("data"), "meter_id");
        assertThat(firstIds).isEqualTo(before.subList(0, 3));
        assertThat(secondIds).isEqualTo(before.subList(3, 6));
        List<String> after = catalogue().firstPageIds(KEY, "/v1/meters", "meter_id");
        assertThat(after.get(0)).isEqualTo(inserted);
    }
}
