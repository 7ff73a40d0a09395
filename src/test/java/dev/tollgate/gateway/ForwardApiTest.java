package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.FakeProvider;
import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.Forwarding;
import dev.tollgate.testing.GatewayOnBothDatabases;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ForwardApiTest extends GatewayOnBothDatabases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPENAI_CHAT = "https://api.openai.com/v1/chat/completions";
    private static final String TOKENS_METER = "{\"name\":\"Chat %s\",\"rate_type\":\"fixed\","
            + "\"tier_type\":\"tokens_1m\",\"tiers\":[{\"start\":\"0\",\"rate\":\"2\"}]}";
    private static final String CHAT_REPLY = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024-07-18",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":300,"completion_tokens":400,"total_tokens":700,
                      "prompt_tokens_details":{"cached_tokens":0}}}""";
    private static final String CHAT_REQUEST = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":500,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";

    private static FakeProvider provider() {
        return gateway.provider();
    }

    private static TestServer api() {
        return gateway.api();
    }

    @Test
    void overriddenHostGetsLiveRequestWithoutKey() {
        provider().on("/v1/chat/completions", Reply.json(200, CHAT_REPLY));

        HttpResponse<String> response = Forwarding.post(api(), TestServer.LIVE_KEY, OPENAI_CHAT,
                CHAT_REQUEST);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-tollgate-simulated")).isEmpty();
        List<FakeProvider.Received> received = provider().received();
        FakeProvider.Received last = received.get(received.size() - 1);
        assertThat(last.header("authorization")).isNull();
    }

    @Test
    void chatCompletionChargedFromReportedUsage() throws IOException {
        provider().on("/v1/chat/completions", Reply.json(200, CHAT_REPLY));
        GatewayServer.Subscriber customer = gateway.subscriber(TOKENS_METER.formatted("a"),
                "10.00", "10.00", "+12025550101");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());

        HttpResponse<String> response = Forwarding.post(api(), token, OPENAI_CHAT, CHAT_REQUEST);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(CHAT_REPLY);
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        assertThat(requestId).startsWith("req_test_");
        JsonNode record = api().get(TestServer.SANDBOX_KEY, "/v1/requests/" + requestId).json();
        // 700 tokens at 2 dollars per million tokens: 700 * 2 / 1,000,000 = 0.0014.
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.0014000000");
        assertThat(record.at("/model_usage/input_tokens").asLong()).isEqualTo(300);
        assertThat(record.at("/model_usage/output_tokens").asLong()).isEqualTo(400);
        assertThat(record.at("/status").asText()).isEqualTo("completed");
        assertThat(record.at("/customer_id").asText()).isEqualTo(customer.customerId());
        JsonNode credits = api().get(TestServer.SANDBOX_KEY, "/v1/customers/"
                + customer.customerId() + "/subscription").json().at("/subscription/credits");
        assertThat(credits.at("/total_remaining").asText()).isEqualTo("9.9986000000");
    }

    @Test
    void firstEventArrivesBeforeUpstreamFinishes() throws IOException {
        CountDownLatch gate = new CountDownLatch(1);
        provider().on("/v1/chat/completions", Reply.stream(List.of(
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n",
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},"
                        + "\"finish_reason\":\"stop\"}]}\n\n",
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2,"
                        + "\"total_tokens\":12}}\n\n",
                "data: [DONE]\n\n")).gatedAfterFirst(gate));
        GatewayServer.Subscriber customer = gateway.subscriber(TOKENS_METER.formatted("b"),
                "10.00", "10.00", "+12025550102");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";

        HttpResponse<InputStream> response = Forwarding.open(api(), token, OPENAI_CHAT, body);
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8));
        String firstLine = reader.readLine();
        long gateCountWhenFirstArrived = gate.getCount();
        gate.countDown();
        StringBuilder rest = new StringBuilder();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            rest.append(line).append('\n');
        }

        assertThat(firstLine).contains("\"Hel\"");
        assertThat(gateCountWhenFirstArrived).isEqualTo(1);
        assertThat(rest.toString()).contains("\"lo\"");
        assertThat(rest.toString()).contains("data: [DONE]");
        assertThat(rest.toString()).doesNotContain("\"usage\"");
        JsonNode upstreamBody = JSON.readTree(provider().received().getLast().body());
        assertThat(upstreamBody.at("/stream_options/include_usage").asBoolean()).isTrue();
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        JsonNode record = api().get(TestServer.SANDBOX_KEY, "/v1/requests/" + requestId).json();
        // 12 tokens at 2 dollars per million: 0.000024.
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.0000240000");
    }

    @Test
    void privateAndUnlistedUpstreamsAreRefused() {
        int before = provider().received().size();
        GatewayServer.Subscriber customer = gateway.subscriber(TOKENS_METER.formatted("c"),
                "10.00", "10.00", "+12025550103");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());
        List<String> targets = List.of("http://169.254.169.254/latest/meta-data",
                "https://169.254.169.254/latest/meta-data", "http://127.0.0.1:5432/",
                "https://127.0.0.1:5432/", "https://10.0.0.1/v1/chat/completions",
                "https://evil.example.com/v1/chat/completions",
                "https://api.openai.com:8443/v1/chat/completions",
                "https://user@api.openai.com/v1/chat/completions");

        for (String target : targets) {
            HttpResponse<String> response = Forwarding.post(api(), token, target, CHAT_REQUEST);
            assertThat(response.statusCode()).as(target).isEqualTo(403);
            assertThat(response.body()).as(target).contains("upstream_not_allowed");
        }
        assertThat(provider().received()).hasSize(before);
    }

    @Test
    void dotSegmentsInProviderPathAreRefused() {
        int before = provider().received().size();
        GatewayServer.Subscriber customer = gateway.subscriber(TOKENS_METER.formatted("d"),
                "10.00", "10.00", "+12025550104");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());
        List<String> targets = List.of("https://api.openai.com/v1/../../admin",
                "https://api.openai.com/v1/%2e%2e/%2E%2E/x/chat/completions",
                "https://api.openai.com/v1/./chat/completions");

        for (String target : targets) {
            HttpResponse<String> response = Forwarding.post(api(), token, target, CHAT_REQUEST);
            assertThat(response.statusCode()).as(target).isEqualTo(400);
            assertThat(response.body()).as(target).contains("\"param\":\"u\"")
                    .contains("dot segments");
        }
        assertThat(provider().received()).hasSize(before);
    }

    @Test
    void upstreamErrorRelayedAndNotCharged() {
        String error = "{\"error\":{\"message\":\"Rate limit\",\"type\":\"requests\","
                + "\"code\":\"rate_limit_exceeded\"}}";
        provider().on("/v1/chat/completions", Reply.json(429, error));
        GatewayServer.Subscriber customer = gateway.subscriber(TOKENS_METER.formatted("d"),
                "10.00", "10.00", "+12025550104");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());

        HttpResponse<String> response = Forwarding.post(api(), token, OPENAI_CHAT, CHAT_REQUEST);

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.body()).isEqualTo(error);
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        ApiResponse record = api().get(TestServer.SANDBOX_KEY, "/v1/requests/" + requestId);
        assertThat(record.at("/status")).isEqualTo("error");
        assertThat(record.at("/charge/amount")).isEqualTo("0.0000000000");
        JsonNode credits = api().get(TestServer.SANDBOX_KEY, "/v1/customers/"
                + customer.customerId() + "/subscription").json().at("/subscription/credits");
        assertThat(credits.at("/total_remaining").asText()).isEqualTo("10.0000000000");
    }

    @Test
    void anthropicCacheTokensAddToInput() {
        provider().on("/v1/messages", Reply.json(200, """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
                 "content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn",
                 "usage":{"input_tokens":3,"cache_creation_input_tokens":418,
                          "cache_read_input_tokens":1111,"output_tokens":33}}"""));
        GatewayServer.Subscriber customer = gateway.subscriber(TOKENS_METER.formatted("e"),
                "10.00", "10.00", "+12025550105");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());

        HttpResponse<String> response = Forwarding.post(api(), token,
                "https://api.anthropic.com/v1/messages", "{\"model\":\"claude-sonnet-4-5\","
                        + "\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        JsonNode record = api().get(TestServer.SANDBOX_KEY, "/v1/requests/" + requestId).json();
        // Input 3 + 418 + 1111 = 1532, output 33; 1565 tokens at 2 per million = 0.00313.
        assertThat(record.at("/model_usage/input_tokens").asLong()).isEqualTo(1532);
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.0031300000");
    }

    @Test
    void missingCreditGets402() {
        provider().on("/v1/chat/completions", Reply.json(200, CHAT_REPLY));
        GatewayServer.Subscriber customer = gateway.subscriber(TOKENS_METER.formatted("f"),
                "0.00", "0.00", "+12025550106");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());
        int before = provider().received().size();

        HttpResponse<String> response = Forwarding.post(api(), token, OPENAI_CHAT, CHAT_REQUEST);

        assertThat(response.statusCode()).isEqualTo(402);
        assertThat(response.body()).contains("insufficient_credit");
        assertThat(provider().received()).hasSize(before);
    }

    @Test
    void pathWithoutUsageFormatRelayed() {
        String model = "{\"id\":\"gpt-4o-mini\",\"object\":\"model\",\"created\":1,"
                + "\"owned_by\":\"system\"}";
        provider().on("/v1/models/gpt-4o-mini", Reply.json(200, model));
        GatewayServer.Subscriber customer = gateway.subscriber(TOKENS_METER.formatted("g"),
                "10.00", "10.00", "+12025550107");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api().port()
                        + "/v1/forward/models/gpt-4o-mini?u=https://api.openai.com/v1"))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();

        HttpResponse<String> response = Forwarding.send(request,
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(model);
        assertThat(provider().received().getLast().method()).isEqualTo("GET");
        assertThat(provider().received().getLast().path()).isEqualTo("/v1/models/gpt-4o-mini");
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        JsonNode record = api().get(TestServer.SANDBOX_KEY, "/v1/requests/" + requestId).json();
        // No usage to read and no request body to estimate from: 0 tokens, nothing charged.
        assertThat(record.at("/status").asText()).isEqualTo("completed");
        assertThat(record.at("/endpoint").asText())
                .isEqualTo("GET https://api.openai.com/v1/models/gpt-4o-mini");
        assertThat(record.at("/model_usage/total_tokens").asLong()).isZero();
        assertThat(record.at("/estimated").asBoolean()).isTrue();
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.0000000000");
    }
}
