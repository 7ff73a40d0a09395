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

class SecretKeysApiTest extends BothDatabases {
    private static final String KEY = TestServer.SANDBOX_KEY;

    private Catalogue catalogue() {
        return new Catalogue(server);
    }

    private JsonNode createKey(String key, String name) {
        ApiResponse response = server.post(key, "/v1/secret_keys", "{\"name\": \"" + name + "\"}");
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    private JsonNode listed(String key, String keyId) {
        return catalogue().allItems(key, "/v1/secret_keys").stream()
                .filter(item -> item.get("secret_key_id").asText().equals(keyId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("key " + keyId + " is not listed"));
    }

    @Test
    void createReturnsSecretOnce() {
        JsonNode created = createKey(KEY, "Deploy key");
        String secret = created.get("secret_key").asText();

        assertThat(secret).matches("aks_test_[A-Za-z0-9]{40}");
        assertThat(created.get("secret_key_id").asText()).matches("sk_test_[0-9A-Z]{26}");
        assertThat(created.get("name").asText()).isEqualTo("Deploy key");
        assertThat(created.get("secret_key_hint").asText())
                .isEqualTo(secret.substring(secret.length() - 4));
        assertThat(server.get(KEY, "/v1/secret_keys?limit=100").text()).doesNotContain(secret);
    }

    @Test
    void listShowsHintOnly() {
        JsonNode created = createKey(KEY, "Listed key");

        JsonNode item = listed(KEY, created.get("secret_key_id").asText());

        assertThat(item.get("secret_key_hint").asText()).hasSize(4);
        assertThat(item.get("secret_key_hint").asText())
                .isEqualTo(created.get("secret_key_hint").asText());
        assertThat(item.has("secret_key")).isFalse();
        assertThat(item.get("name").asText()).isEqualTo("Listed key");
    }

    @Test
    void bootstrapKeyIsListed() {
        List<String> hints = catalogue().allItems(KEY, "/v1/secret_keys").stream()
                .map(item -> item.get("secret_key_hint").asText())
                .toList();

        assertThat(hints).contains("SSSS");
        assertThat(hints).doesNotContain("LLLL");
    }

    @Test
    void liveKeyCreatesLiveKey() {
        JsonNode created = createKey(TestServer.LIVE_KEY, "Live deploy key");

        assertThat(created.get("secret_key").asText()).startsWith("aks_live_");
        assertThat(created.get("secret_key_id").asText()).matches("sk_[0-9A-Z]{26}");
        ApiResponse meters = server.get(created.get("secret_key").asText(), "/v1/meters");
        assertThat(meters.status()).isEqualTo(200);
    }

    @Test
    void newKeyAuthenticates() {
        String secret = createKey(KEY, "Working key").get("secret_key").asText();

        ApiResponse response = server.get(secret, "/v1/plans");

        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void deletedKeyFailsAtOnce() {
        JsonNode created = createKey(KEY, "Short-lived key");
        String secret = created.get("secret_key").asText();
        String id = created.get("secret_key_id").asText();
        assertThat(server.get(secret, "/v1/meters").status()).isEqualTo(200);

        ApiResponse deleted = server.delete(KEY, "/v1/secret_keys/" + id);
        ApiResponse afterwards = server.get(secret, "/v1/meters");

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.at("/id")).isEqualTo(id);
        assertThat(deleted.json().get("deleted").asBoolean()).isTrue();
        assertError(afterwards, 401, "invalid_api_key", null);
        assertThat(catalogue().allIds(KEY, "/v1/secret_keys", "secret_key_id")).doesNotContain(id);
    }

    @Test
    void deletingOwnKeyIsConflict() {
        JsonNode created = createKey(KEY, "Self-deleting key");
        String secret = created.get("secret_key").asText();
        String id = created.get("secret_key_id").asText();

        ApiResponse response = server.delete(secret, "/v1/secret_keys/" + id);

        assertError(response, 409, "key_in_use", null);
        assertThat(server.get(secret, "/v1/meters").status()).isEqualTo(200);
    }

    @Test
    void deleteUnknownKeyIs404() {
        ApiResponse response = server.delete(KEY,
                "/v1/secret_keys/sk_test_01J00000000000000000000000");

        assertError(response, 404, "resource_missing", null);
    }

    @Test
    void deleteTwiceIs404() {
        String id = createKey(KEY, "Deleted twice").get("secret_key_id").asText();
        assertThat(server.delete(KEY, "/v1/secret_keys/" + id).status()).isEqualTo(200);

        ApiResponse again = server.delete(KEY, "/v1/secret_keys/" + id);

        assertError(again, 404, "resource_missing", null);
    }

    @Test
    void unknownKeyIsUnauthenticated() {
        ApiResponse response = server.get("aks_test_" + "x".repeat(40), "/v1/meters");

        assertError(response, 401, "invalid_api_key", null);
    }

    @Test
    void malformedKeyIsUnauthenticated() {
        ApiResponse response = server.get("sk-not-a-tollgate-key", "/v1/meters");

        assertError(response, 401, "invalid_api_key", null);
    }

    @Test
    void listPagesNewestFirst() {
        String older = createKey(KEY, "Older key").get("secret_key_id").asText();
        String newer = createKey(KEY, "Newer key").get("secret_key_id").asText();

        ApiResponse first = server.get(KEY, "/v1/secret_keys?limit=1");
        ApiResponse second = server.get(KEY, "/v1/secret_keys?limit=1&cursor="
                + first.at("/next_cursor"));

        assertThat(first.at("/data/0/secret_key_id")).isEqualTo(newer);
        assertThat(first.json().get("has_more").asBoolean()).isTrue();
        assertThat(second.at("/data/0/secret_key_id")).isEqualTo(older);
    }
}
