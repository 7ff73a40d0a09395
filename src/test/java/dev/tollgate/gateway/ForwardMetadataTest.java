package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.Catalogue;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.FakeProvider;
import dev.tollgate.testing.FakeProvider.Received;
import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.Forwarding;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Request metadata on the forward endpoint: the three ways to send it, its limits, and the
 * {@code metadata_filters} of the request list and the usage API.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class ForwardMetadataTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SANDBOX = TestServer.SANDBOX_KEY;
    private static final String FORWARD_CHAT =
            "/v1/forward?u=https://api.openai.com/v1/chat/completions";
    private static final String CHAT_REPLY = """
            {"id":"chatcmpl-m","object":"chat.completion","created":1,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}""";
    private static final String CHAT_REQUEST = "{\"model\":\"gpt-4o-mini\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";

    private static GatewayServer gateway;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) {
        gateway = GatewayServer.start(database);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        try {
            assertThat(gateway.api().ledgerMismatch()).isEmpty();
        } finally {
            gateway.close();
        }
    }

    @BeforeEach
    void reply() {
        provider().on("/v1/chat/completions", Reply.json(200, CHAT_REPLY));
    }

    @Test
    void jsonHeaderStoredOnRecord() {
        HttpResponse<String> response = send(forward(FORWARD_CHAT)
                .header("x-lava-metadata", "{\"feature\":\"chat\",\"tier\":\"pro\"}"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(metadataOf(response)).isEqualTo(Map.of("feature", "chat", "tier", "pro"));
        assertThat(provider().received().getLast().header("x-lava-metadata")).isNull();
    }

    @Test
    void queryParameterStoredOnRecord() {
        HttpResponse<String> response = send(forward(FORWARD_CHAT + "&metadata="
                + encode("{\"feature\":\"search\"}")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(metadataOf(response)).isEqualTo(Map.of("feature", "search"));
        assertThat(provider().received().getLast().query()).isNull();
    }

    @Test
    void prefixedHeadersStoredOnRecord() {
        HttpResponse<String> response = send(forward(FORWARD_CHAT)
                .header("X-Lava-Metadata-Feature", "voice")
                .header("X-Lava-Metadata-user_id", "u-42"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        // Header names are case-insensitive, so keys taken from them are lower case.
        assertThat(metadataOf(response)).isEqualTo(Map.of("feature", "voice", "user_id", "u-42"));
        Received upstream = provider().received().getLast();
        assertThat(upstream.header("X-Lava-Metadata-Feature")).isNull();
    }

    @Test
    void allThreeSourcesCombine() {
        HttpResponse<String> response = send(forward(FORWARD_CHAT + "&metadata="
                        + encode("{\"from_query\":\"q\"}"))
                .header("x-lava-metadata", "{\"from_json\":\"j\"}")
                .header("X-Lava-Metadata-From_Header", "h"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(metadataOf(response))
                .isEqualTo(Map.of("from_query", "q", "from_json", "j", "from_header", "h"));
    }

    @Test
    void limitsAcceptedAtBoundary() {
        ObjectNode pairs = JSON.createObjectNode();
        for (int i = 1; i < Metadata.MAX_PAIRS; i++) {
            pairs.put("k" + i, "v");
        }
        pairs.put("k".repeat(Metadata.MAX_LENGTH), "x".repeat(Metadata.MAX_LENGTH));

        HttpResponse<String> response = send(forward(FORWARD_CHAT)
                .header("x-lava-metadata", pairs.toString()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, String> stored = metadataOf(response);
        assertThat(stored).hasSize(Metadata.MAX_PAIRS);
        assertThat(stored.get("k".repeat(Metadata.MAX_LENGTH))).hasSize(Metadata.MAX_LENGTH);
    }

    @Test
    void invalidKeyRejectedByName() throws IOException {
        assertRejected(forward(FORWARD_CHAT).header("x-lava-metadata", "{\"bad-key!\":\"v\"}"),
                "metadata.bad-key!", "bad-key!");
    }

    @Test
    void invalidHeaderKeyRejectedByName() throws IOException {
        assertRejected(forward(FORWARD_CHAT).header("X-Lava-Metadata-Bad.Key", "v"),
                "metadata.bad.key", "bad.key");
    }

    @Test
    void invalidQueryKeyRejectedByName() throws IOException {
        assertRejected(forward(FORWARD_CHAT + "&metadata=" + encode("{\"a b\":\"v\"}")),
                "metadata.a b", "a b");
    }

    @Test
    void longValueRejectedByName() throws IOException {
        String value = "x".repeat(Metadata.MAX_LENGTH + 1);
        assertRejected(forward(FORWARD_CHAT)
                        .header("x-lava-metadata", "{\"long_value\":\"" + value + "\"}"),
                "metadata.long_value", "long_value");
    }

    @Test
    void emptyValueRejectedByName() throws IOException {
        assertRejected(forward(FORWARD_CHAT).header("x-lava-metadata", "{\"empty\":\"\"}"),
                "metadata.empty", "empty");
    }

    @Test
    void nonStringValueRejectedByName() throws IOException {
        assertRejected(forward(FORWARD_CHAT).header("x-lava-metadata", "{\"count\":5}"),
                "metadata.count", "count");
    }

    @Test
    void tooManyPairsRejected() throws IOException {
        ObjectNode pairs = JSON.createObjectNode();
        for (int i = 0; i <= Metadata.MAX_PAIRS; i++) {
            pairs.put("k" + i, "v");
        }
        int before = provider().received().size();

        HttpResponse<String> response = send(forward(FORWARD_CHAT)
                .header("x-lava-metadata", pairs.toString()));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("message").asText()).contains(String.valueOf(Metadata.MAX_PAIRS));
        assertThat(provider().received()).hasSize(before);
    }

    @Test
    void malformedJsonHeaderRejected() throws IOException {
        assertRejected(forward(FORWARD_CHAT).header("x-lava-metadata", "{feature: chat}"),
                "x-lava-metadata", "x-lava-metadata");
    }

    @Test
    void requestListFiltersByAllPairs() {
        String run = Catalogue.uniqueName("run");
        String chatA = requestIdOf(sendTagged(run, "a", "chat"));
        sendTagged(run, "a", "embed");
        sendTagged(run, "b", "chat");

        List<String> both = listIds("[[\"run\",\"" + run + "\"],[\"team\",\"a\"],"
                + "[\"feature\",\"chat\"]]");
        List<String> teamA = listIds("[[\"run\",\"" + run + "\"],[\"team\",\"a\"]]");
        List<String> none = listIds("[[\"run\",\"" + run + "\"],[\"team\",\"c\"]]");

        assertThat(both).containsExactly(chatA);
        assertThat(teamA).hasSize(2);
        assertThat(none).isEmpty();
    }

    @Test
    void usageFiltersByAllPairs() {
        String run = Catalogue.uniqueName("run");
        sendTagged(run, "a", "chat");
        sendTagged(run, "a", "embed");
        sendTagged(run, "b", "chat");
        String start = LocalDate.now(ZoneOffset.UTC).minusDays(1) + "T00:00:00Z";

        ApiResponse teamA = api().get(SANDBOX, "/v1/usage?start=" + start + "&metadata_filters="
                + encode("[[\"run\",\"" + run + "\"],[\"team\",\"a\"]]"));
        ApiResponse teamAChat = api().get(SANDBOX, "/v1/usage?start=" + start
                + "&metadata_filters=" + encode("[[\"run\",\"" + run + "\"],[\"team\",\"a\"],"
                        + "[\"feature\",\"chat\"]]"));

        assertThat(teamA.status()).as(teamA.text()).isEqualTo(200);
        assertThat(teamA.json().at("/totals/total_requests").asLong()).isEqualTo(2);
        assertThat(teamA.json().at("/totals/total_usage_tokens").asLong()).isEqualTo(30);
        assertThat(teamAChat.json().at("/totals/total_requests").asLong()).isEqualTo(1);
    }

    @Test
    void malformedFiltersRejected() {
        ApiResponse notPairs = api().get(SANDBOX, "/v1/requests?metadata_filters="
                + encode("[[\"only_key\"]]"));
        ApiResponse notJson = api().get(SANDBOX, "/v1/requests?metadata_filters=" + encode("[["));

        assertThat(notPairs.status()).isEqualTo(400);
        assertThat(notPairs.at("/error/param")).isEqualTo("metadata_filters");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.at("/error/param")).isEqualTo("metadata_filters");
    }

    private void assertRejected(HttpRequest.Builder request, String param, String key)
            throws IOException {
        int before = provider().received().size();

        HttpResponse<String> response = send(request);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("message").asText()).contains(key);
        assertThat(provider().received()).hasSize(before);
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        assertThat(api().get(SANDBOX, "/v1/requests/" + requestId).status()).isEqualTo(404);
    }

    private static HttpResponse<String> sendTagged(String run, String team, String feature) {
        HttpResponse<String> response = send(forward(FORWARD_CHAT)
                .header("x-lava-metadata", "{\"run\":\"" + run + "\",\"team\":\"" + team + "\","
                        + "\"feature\":\"" + feature + "\"}"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    private static List<String> listIds(String filtersJson) {
        ApiResponse list = api().get(SANDBOX, "/v1/requests?limit=100&metadata_filters="
                + encode(filtersJson));
        assertThat(list.status()).as(list.text()).isEqualTo(200);
        return Catalogue.ids(list.json().get("data"), "request_id");
    }

    private static HttpRequest.Builder forward(String pathAndQuery) {
        return Forwarding.to(api(), pathAndQuery)
                .header("Authorization", "Bearer " + SANDBOX)
                .POST(HttpRequest.BodyPublishers.ofString(CHAT_REQUEST));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        return Forwarding.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String requestIdOf(HttpResponse<String> response) {
        return response.headers().firstValue("x-request-id").orElseThrow();
    }

    private static Map<String, String> metadataOf(HttpResponse<String> response) {
        ApiResponse record = api().get(SANDBOX, "/v1/requests/" + requestIdOf(response));
        assertThat(record.status()).as(record.text()).isEqualTo(200);
        return JSON.convertValue(record.json().get("metadata"),
                JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static FakeProvider provider() {
        return gateway.provider();
    }

    private static TestServer api() {
        return gateway.api();
    }
}
