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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

class SpendKeysApiTest extends BothDatabases {
    private static final String SANDBOX = TestServer.SANDBOX_KEY;
    private static final String LIVE = TestServer.LIVE_KEY;
    private static final String ULID = "[0-9A-HJKMNP-TV-Z]{26}";

    private JsonNode create(String key, String json) {
        ApiResponse response = server.post(key, "/v1/spend_keys", json);
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    private ApiResponse put(String key, String id, String json) {
        return server.send(key, "PUT", "/v1/spend_keys/" + id, json);
    }

    private static String future() {
        return Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Test
    void createReturnsKeyOnce() {
        JsonNode created = create(SANDBOX, "{\"name\": \"Agent key\"}");
        String key = created.get("key").asText();
        String id = created.get("spend_key_id").asText();

        assertThat(key).matches("lava_sk_[A-Za-z0-9]{40}");
        assertThat(id).matches("spk_test_" + ULID);
        assertThat(created.get("key_preview").asText())
                .isEqualTo("lava_sk_..." + key.substring(key.length() - 4));
        assertThat(created.get("name").asText()).isEqualTo("Agent key");
        assertThat(created.get("status").asText()).isEqualTo("active");
        assertThat(created.get("request_shape").asText()).isEqualTo("openai");
        assertThat(created.get("wallet_id").asText()).matches("wal_" + ULID);
        for (String field : List.of("allowed_models", "allowed_providers", "spend_limit",
                "request_limit", "rate_limit", "expires_at", "last_used_at")) {
            assertThat(created.get(field).isNull()).as(field).isTrue();
        }
        assertThat(created.get("current_spend").asText()).isEqualTo("0.0000000000");
        assertThat(created.get("total_spend").asText()).isEqualTo("0.0000000000");
        assertThat(created.get("current_requests").asLong()).isZero();
        assertThat(created.get("total_requests").asLong()).isZero();
        ApiResponse retrieved = server.get(SANDBOX, "/v1/spend_keys/" + id);
        assertThat(retrieved.status()).isEqualTo(200);
        assertThat(retrieved.json().has("key")).isFalse();
        assertThat(retrieved.text()).doesNotContain(key);
        assertThat(server.get(SANDBOX, "/v1/spend_keys?limit=100").text()).doesNotContain(key);
    }

    @Test
    void createStoresEverySetting() {
        String expiry = future();
        JsonNode created = create(SANDBOX, """
                {"name": "Scoped", "status": "paused", "request_shape": "anthropic",
                 "allowed_models": ["claude-sonnet-4-5"], "allowed_providers": ["anthropic"],
                 "spend_limit": {"amount": "12.50", "cycle": "weekly"},
                 "request_limit": {"count": 1000, "cycle": "daily"},
                 "rate_limit": {"rpm": 60, "burst": 10}, "expires_at": "%s"}"""
                .formatted(expiry));

        JsonNode stored = server.get(SANDBOX, "/v1/spend_keys/"
                + created.get("spend_key_id").asText()).json();
        assertThat(stored.get("status").asText()).isEqualTo("paused");
        assertThat(stored.get("request_shape").asText()).isEqualTo("anthropic");
        assertThat(stored.at("/allowed_models/0").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(stored.at("/allowed_providers/0").asText()).isEqualTo("anthropic");
        assertThat(stored.at("/spend_limit/amount").asText()).isEqualTo("12.50");
        assertThat(stored.at("/spend_limit/cycle").asText()).isEqualTo("weekly");
        assertThat(stored.at("/request_limit/count").asLong()).isEqualTo(1000);
        assertThat(stored.at("/request_limit/cycle").asText()).isEqualTo("daily");
        assertThat(stored.at("/rate_limit/rpm").asInt()).isEqualTo(60);
        assertThat(stored.at("/rate_limit/burst").asInt()).isEqualTo(10);
        assertThat(Instant.parse(stored.get("expires_at").asText()))
                .isEqualTo(Instant.parse(expiry));
    }

    @Test
    void updateChangesOnlyGivenFields() {
        JsonNode created = create(SANDBOX, """
                {"name": "Before", "allowed_models": ["gpt-4o-mini"],
                 "rate_limit": {"rpm": 5}}""");
        String id = created.get("spend_key_id").asText();

        ApiResponse updated = put(SANDBOX, id, """
                {"name": "After", "status": "paused", "allowed_models": null,
                 "spend_limit": {"amount": "1", "cycle": "total"}}""");

        assertThat(updated.status()).as(updated.text()).isEqualTo(200);
        JsonNode body = updated.json();
        assertThat(body.get("name").asText()).isEqualTo("After");
        assertThat(body.get("status").asText()).isEqualTo("paused");
        assertThat(body.get("allowed_models").isNull()).isTrue();
        assertThat(body.at("/spend_limit/amount").asText()).isEqualTo("1.00");
        assertThat(body.at("/rate_limit/rpm").asInt()).isEqualTo(5);
        assertThat(body.at("/rate_limit/burst").isNull()).isTrue();
        assertThat(body.get("key_preview").asText())
                .isEqualTo(created.get("key_preview").asText());
    }

    @Test
    void rotateReplacesKey() {
        JsonNode created = create(SANDBOX, "{\"name\": \"Rotated\"}");
        String id = created.get("spend_key_id").asText();

        ApiResponse rotated = server.post(SANDBOX, "/v1/spend_keys/" + id + "/rotate", "");

        assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);
        String newKey = rotated.json().get("key").asText();
        assertThat(newKey).matches("lava_sk_[A-Za-z0-9]{40}");
        assertThat(newKey).isNotEqualTo(created.get("key").asText());
        assertThat(rotated.json().get("spend_key_id").asText()).isEqualTo(id);
        assertThat(rotated.json().get("key_preview").asText())
                .isEqualTo("lava_sk_..." + newKey.substring(newKey.length() - 4));
    }

    @Test
    void revokeHidesKey() {
        String id = create(SANDBOX, "{\"name\": \"Revoked\"}").get("spend_key_id").asText();

        ApiResponse revoked = server.delete(SANDBOX, "/v1/spend_keys/" + id);

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("success").asBoolean()).isTrue();
        assertError(server.get(SANDBOX, "/v1/spend_keys/" + id), 404, "resource_missing", null);
        assertError(server.delete(SANDBOX, "/v1/spend_keys/" + id), 404, "resource_missing",
                null);
        assertError(server.post(SANDBOX, "/v1/spend_keys/" + id + "/rotate", ""), 404,
                "resource_missing", null);
        assertThat(new Catalogue(server).allIds(SANDBOX, "/v1/spend_keys", "spend_key_id"))
                .doesNotContain(id);
    }

    @Test
    void listPagesNewestFirst() {
        String first = create(SANDBOX, "{\"name\": \"Page 1\"}").get("spend_key_id").asText();
        String second = create(SANDBOX, "{\"name\": \"Page 2\"}").get("spend_key_id").asText();

        JsonNode page = server.get(SANDBOX, "/v1/spend_keys?limit=1").json();

        assertThat(page.at("/data/0/spend_key_id").asText()).isEqualTo(second);
        assertThat(page.get("has_more").asBoolean()).isTrue();
        JsonNode next = server.get(SANDBOX, "/v1/spend_keys?limit=1&cursor="
                + page.get("next_cursor").asText()).json();
        assertThat(next.at("/data/0/spend_key_id").asText()).isEqualTo(first);
    }

    /** A request body that is rejected, the field at fault and the error code. */
    private record BadInput(String json, String param, String code) {
    }

    @Test
    void badInputRejectedWithField() {
        List<BadInput> cases = List.of(
                new BadInput("{}", "name", "missing_field"),
                new BadInput("{\"name\": 5}", "name", "wrong_type"),
                new BadInput("{\"name\": \"\"}", "name", "invalid_value"),
                new BadInput("{\"name\": \"" + "n".repeat(201) + "\"}", "name", "invalid_value"),
                new BadInput("{\"name\": \"k\", \"status\": \"off\"}", "status", "invalid_value"),
                new BadInput("{\"name\": \"k\", \"request_shape\": \"gemini\"}", "request_shape",
                        "invalid_value"),
                new BadInput("{\"name\": \"k\", \"allowed_models\": []}", "allowed_models",
                        "invalid_value"),
                new BadInput("{\"name\": \"k\", \"allowed_models\": \"gpt-4o\"}",
                        "allowed_models", "wrong_type"),
                new BadInput("{\"name\": \"k\", \"allowed_models\": [\"\"]}",
                        "allowed_models[0]", "wrong_type"),
                new BadInput("{\"name\": \"k\", \"allowed_providers\": [\"openai\", \"acme\"]}",
                        "allowed_providers[1]", "invalid_value"),
                new BadInput("{\"name\": \"k\", \"spend_limit\": \"10\"}", "spend_limit",
                        "wrong_type"),
                new BadInput("{\"name\": \"k\", \"spend_limit\": {\"cycle\": \"daily\"}}",
                        "spend_limit.amount", "missing_field"),
                new BadInput("{\"name\": \"k\", \"spend_limit\": {\"amount\": 10,"
                        + " \"cycle\": \"daily\"}}", "spend_limit.amount", "wrong_type"),
                new BadInput("{\"name\": \"k\", \"spend_limit\": {\"amount\": \"-1\","
                        + " \"cycle\": \"daily\"}}", "spend_limit.amount", "invalid_value"),
                new BadInput("{\"name\": \"k\", \"spend_limit\": {\"amount\": \"0\","
                        + " \"cycle\": \"daily\"}}", "spend_limit.amount", "invalid_value"),
                new BadInput("{\"name\": \"k\", \"spend_limit\": {\"amount\": \"1\","
                        + " \"cycle\": \"hourly\"}}", "spend_limit.cycle", "invalid_value"),
                new BadInput("{\"name\": \"k\", \"spend_limit\": {\"amount\": \"1\"}}",
                        "spend_limit.cycle", "missing_field"),
                new BadInput("{\"name\": \"k\", \"request_limit\": {\"count\": 0,"
                        + " \"cycle\": \"daily\"}}", "request_limit.count", "invalid_value"),
                new BadInput("{\"name\": \"k\", \"request_limit\": {\"count\": 1.5,"
                        + " \"cycle\": \"daily\"}}", "request_limit.count", "wrong_type"),
                new BadInput("{\"name\": \"k\", \"rate_limit\": {\"burst\": 5}}",
                        "rate_limit.rpm", "missing_field"),
                new BadInput("{\"name\": \"k\", \"rate_limit\": {\"rpm\": 10, \"burst\": 0}}",
                        "rate_limit.burst", "invalid_value"),
                new BadInput("{\"name\": \"k\", \"rate_limit\": {\"rpm\": 10000000}}",
                        "rate_limit.rpm", "invalid_value"),
                new BadInput("{\"name\": \"k\", \"expires_at\": \"tomorrow\"}", "expires_at",
                        "invalid_value"),
                new BadInput("{\"name\": \"k\", \"expires_at\": \"2020-01-01T00:00:00Z\"}",
                        "expires_at", "invalid_value"));
        for (BadInput bad : cases) {
            ApiResponse response = server.post(SANDBOX, "/v1/spend_keys", bad.json());
            assertError(response, 400, bad.code(), bad.param());
        }
    }

    @Test
    void badUpdateChangesNothing() {
        JsonNode created = create(SANDBOX, "{\"name\": \"Unchanged\"}");
        String id = created.get("spend_key_id").asText();

        ApiResponse response = put(SANDBOX, id, """
                {"name": "Changed", "rate_limit": {"rpm": 0}}""");

        assertError(response, 400, "invalid_value", "rate_limit.rpm");
        assertThat(server.get(SANDBOX, "/v1/spend_keys/" + id).json().get("name").asText())
                .isEqualTo("Unchanged");
        assertError(put(SANDBOX, "spk_test_01ARZ3NDEKTSV4RRFFQ69G5FAV", "{\"name\": \"x\"}"),
                404, "resource_missing", null);
    }

    @Test
    void liveAndSandboxSeparated() {
        String sandboxId = create(SANDBOX, "{\"name\": \"Sandbox only\"}")
                .get("spend_key_id").asText();
        JsonNode live = create(LIVE, "{\"name\": \"Live only\"}");

        assertThat(live.get("spend_key_id").asText()).matches("spk_" + ULID);
        assertHidden(LIVE, sandboxId);
        assertHidden(SANDBOX, live.get("spend_key_id").asText());
    }

    @Test
    void otherMerchantSeesNothing() {
        String id = create(SANDBOX, "{\"name\": \"Mine\"}").get("spend_key_id").asText();
        Merchants.NewMerchant second = secondMerchant();

        assertHidden(second.sandboxKey(), id);
        JsonNode theirs = create(second.sandboxKey(), "{\"name\": \"Theirs\"}");
        assertHidden(SANDBOX, theirs.get("spend_key_id").asText());
        assertThat(theirs.get("wallet_id").asText())
                .isNotEqualTo(server.get(SANDBOX, "/v1/wallet").json().get("wallet_id").asText());
    }

    @Test
    void modelListFilteredBySpendKey() {
        String models = create(SANDBOX, "{\"name\": \"Models\","
                + " \"allowed_models\": [\"GPT-4o-mini\"]}").get("key").asText();
        JsonNode providers = create(SANDBOX, "{\"name\": \"Providers\","
                + " \"allowed_providers\": [\"anthropic\"]}");

        JsonNode byModel = server.get(models, "/v1/models").json();
        JsonNode byProvider = server.get(providers.get("key").asText(), "/v1/models").json();
        JsonNode all = server.get(null, "/v1/models").json();

        assertThat(Catalogue.ids(byModel.get("data"), "id")).containsExactly("gpt-4o-mini");
        assertThat(byProvider.get("data").size()).isPositive();
        for (JsonNode model : byProvider.get("data")) {
            assertThat(model.get("owned_by").asText()).isEqualTo("anthropic");
        }
        assertThat(all.get("data").size()).isGreaterThan(byProvider.get("data").size());
        server.delete(SANDBOX, "/v1/spend_keys/" + providers.get("spend_key_id").asText());
        assertError(server.get(providers.get("key").asText(), "/v1/models"), 401,
                "invalid_api_key", null);
    }

    @Test
    void walletHasZeroBalance() {
        ApiResponse wallet = server.get(SANDBOX, "/v1/wallet");
        JsonNode created = create(SANDBOX, "{\"name\": \"Wallet check\"}");

        assertThat(wallet.status()).isEqualTo(200);
        assertThat(wallet.json().get("wallet_id").asText())
                .isEqualTo(created.get("wallet_id").asText());
        assertThat(wallet.json().get("balance").asText()).isEqualTo("0.0000000000");
        assertError(server.get(null, "/v1/wallet"), 401, "invalid_api_key", null);
    }

    private void assertHidden(String key, String id) {
        String path = "/v1/spend_keys/" + id;
        assertError(server.get(key, path), 404, "resource_missing", null);
        assertError(put(key, id, "{\"name\": \"Taken\"}"), 404, "resource_missing", null);
        assertError(server.post(key, path + "/rotate", ""), 404, "resource_missing", null);
        assertError(server.delete(key, path), 404, "resource_missing", null);
        assertThat(new Catalogue(server).allIds(key, "/v1/spend_keys", "spend_key_id"))
                .doesNotContain(id);
    }

    private Merchants.NewMerchant secondMerchant() {
        Clock clock = Clock.systemUTC();
        Jdbi jdbi = server.server().database().jdbi();
        Ids ids = new Ids(clock);
        return new Merchants(jdbi, ids, clock, new SecretKeys(jdbi, ids, clock))
                .create("Second spend key merchant");
    }
}
