package dev.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.ApiResponse;
import org.junit.jupiter.api.Test;

/** Creating, reading, changing and deleting endpoints, in the SDK's wire form. */
class WebhooksApiTest extends WebhookTestBase {

    @Test
    void createShowsSecretOnce() {
        String url = receiver.url();
        JsonNode created = server.post(KEY, "/v1/webhooks", "{\"name\":\"Billing\",\"url\":\""
                + url + "\"}").json();
        String id = created.get("webhook_id").asText();

        assertThat(id).matches("wh_test_[0-9A-Z]{26}");
        assertThat(created.get("name").asText()).isEqualTo("Billing");
        assertThat(created.get("url").asText()).isEqualTo(url);
        assertThat(created.get("created_at").asText()).isEqualTo("2026-03-01T12:00:00.000Z");
        assertThat(created.get("webhook_secret").asText()).matches("whsec_[A-Za-z0-9+/]{43}=");
        JsonNode fetched = ok(server.get(KEY, "/v1/webhooks/" + id));
        assertThat(fetched.has("webhook_secret")).isFalse();
        assertThat(fetched.get("events").isNull()).isTrue();
        JsonNode listed = ok(server.get(KEY, "/v1/webhooks?limit=100")).get("data");
        assertThat(listed.findValuesAsText("webhook_id")).contains(id);
        assertThat(listed.findValues("webhook_secret")).isEmpty();
    }

    @Test
    void createAnswers201() {
        ApiResponse response = server.post(KEY, "/v1/webhooks", "{\"name\":\"a\",\"url\":\""
                + receiver.url() + "\"}");
        assertThat(response.status()).isEqualTo(201);
    }

    @Test
    void updateChangesGivenFields() {
        String id = createWebhook(receiver.url()).get("webhook_id").asText();
        String newUrl = receiver.url();

        JsonNode updated = ok(server.patch(KEY, "/v1/webhooks/" + id, "{\"url\":\"" + newUrl
                + "\",\"events\":[\"customer.created\",\"credits.low\"]}"));

        assertThat(updated.get("name").asText()).isEqualTo("Receiver");
        assertThat(updated.get("url").asText()).isEqualTo(newUrl);
        assertThat(updated.get("events").toString())
                .isEqualTo("[\"customer.created\",\"credits.low\"]");
        JsonNode cleared = ok(server.patch(KEY, "/v1/webhooks/" + id, "{\"events\":null,"
                + "\"name\":\"Renamed\"}"));
        assertThat(cleared.get("events").isNull()).isTrue();
        assertThat(cleared.get("name").asText()).isEqualTo("Renamed");
    }

    @Test
    void deleteAnswersDeletedTrue() {
        String id = createWebhook(receiver.url()).get("webhook_id").asText();

        JsonNode deleted = ok(server.delete(KEY, "/v1/webhooks/" + id));

        assertThat(deleted.get("id").asText()).isEqualTo(id);
        assertThat(deleted.get("deleted").asBoolean()).isTrue();
        assertThat(server.get(KEY, "/v1/webhooks/" + id).status()).isEqualTo(404);
        assertThat(server.delete(KEY, "/v1/webhooks/" + id).status()).isEqualTo(404);
    }

    @Test
    void invalidFieldsNamedInErrors() {
        String[][] cases = {
            {"{\"url\":\"" + receiver.url() + "\"}", "name"},
            {"{\"name\":\"a\"}", "url"},
            {"{\"name\":\"a\",\"url\":\"not a url\"}", "url"},
            {"{\"name\":\"a\",\"url\":\"ftp://127.0.0.1/x\"}", "url"},
            {"{\"name\":\"a\",\"url\":\"https://user:pw@127.0.0.1/x\"}", "url"},
            {"{\"name\":\"a\",\"url\":\"" + receiver.url() + "\",\"events\":[\"customer.created\","
                    + "\"customer.exploded\"]}", "events[1]"},
            {"{\"name\":\"a\",\"url\":\"" + receiver.url() + "\",\"events\":\"all\"}", "events"},
        };
        for (String[] c : cases) {
            ApiResponse response = server.post(KEY, "/v1/webhooks", c[0]);
            assertThat(response.status()).as(c[0]).isEqualTo(400);
            assertThat(response.at("/error/param")).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void otherEnvironmentSees404() {
        String id = createWebhook(receiver.url()).get("webhook_id").asText();

        assertThat(server.get(dev.tollgate.testing.TestServer.LIVE_KEY, "/v1/webhooks/" + id)
                .status()).isEqualTo(404);
    }
}
