package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.FakeProvider;
import dev.tollgate.testing.FakeProvider.Received;
import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.Forwarding;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.GatewayServer.Subscriber;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The forward endpoint's credential modes, admission failures, credential headers and the
 * forms of the provider URL that client SDKs build.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class ForwardModesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SANDBOX = TestServer.SANDBOX_KEY;
    private static final String OPENAI_CHAT = "https://api.openai.com/v1/chat/completions";
    private static final String TOKENS_METER = "{\"name\":\"Modes %s\",\"rate_type\":\"fixed\","
            + "\"tier_type\":\"tokens_1m\",\"tiers\":[{\"start\":\"0\",\"rate\":\"2\"}]}";
    private static final String CHAT_REPLY = """
            {"id":"chatcmpl-7","object":"chat.completion","created":1,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":300,"completion_tokens":400,"total_tokens":700}}""";
    private static final String CHAT_REQUEST = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":500,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
    private static final String MESSAGES_REPLY = """
            {"id":"msg_7","type":"message","role":"assistant","model":"claude-sonnet-4-5",
             "content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn",
             "usage":{"input_tokens":20,"output_tokens":30}}""";
    private static final String MESSAGES_REQUEST = "{\"model\":\"claude-sonnet-4-5\","
            + "\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    /** 700 tokens at 2 dollars per million tokens. */
    private static final String CHAT_CHARGE = "0.0014000000";
    private static final AtomicInteger PHONES = new AtomicInteger(300);

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
    void replies() {
        provider().on("/v1/chat/completions", Reply.json(200, CHAT_REPLY));
        provider().on("/v1/messages", Reply.json(200, MESSAGES_REPLY));
    }

    @Test
    void secretKeyRecordsMerchantCost() {
        HttpResponse<String> response = Forwarding.post(api(), SANDBOX, OPENAI_CHAT, CHAT_REQUEST);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode record = record(response);
        assertThat(record.get("customer_id").isNull()).isTrue();
        assertThat(record.get("meter_id").isNull()).isTrue();
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.0000000000");
        // gpt-4o-mini: 300 input tokens at 0.15 and 400 output tokens at 0.6 dollars per million.
        assertThat(record.at("/cost").asText()).isEqualTo("0.0002850000");
        assertThat(record.at("/provider_key_type").asText()).isEqualTo("managed");
    }

    @Test
    void meterOnlyTokenRatesWithoutCustomer() {
        Subscriber customer = newSubscriber("meter only");
        String token = Forwarding.token("{\"secret_key\":\"" + SANDBOX + "\",\"meter_slug\":\""
                + customer.meterSlug() + "\",\"customer_id\":null,\"provider_key\":null}");

        HttpResponse<String> response = Forwarding.post(api(), token, OPENAI_CHAT, CHAT_REQUEST);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode record = record(response);
        assertThat(record.get("customer_id").isNull()).isTrue();
        assertThat(record.at("/meter_id").asText()).isEqualTo(customer.meterId());
        assertThat(record.at("/charge/amount").asText()).isEqualTo(CHAT_CHARGE);
        assertThat(totalRemaining(customer)).isEqualTo("10.0000000000");
    }

    @Test
    void disabledBillingRecordsWithoutDebit() {
        Subscriber customer = newSubscriber("tracked");
        String token = tokenWith(customer, "\"disable_billing\":true");

        HttpResponse<String> response = Forwarding.post(api(), token, OPENAI_CHAT, CHAT_REQUEST);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode record = record(response);
        assertThat(record.at("/status").asText()).isEqualTo("completed");
        assertThat(record.at("/customer_id").asText()).isEqualTo(customer.customerId());
        assertThat(record.at("/model_usage/total_tokens").asLong()).isEqualTo(700);
        assertThat(totalRemaining(customer)).isEqualTo("10.0000000000");
    }

    @Test
    void disabledBillingStillChecksEntitlement() {
        Subscriber customer = newSubscriber("tracked entitlement");
        String otherSlug = api().post(SANDBOX, "/v1/meters",
                TOKENS_METER.formatted("not in plan " + PHONES.incrementAndGet())).at("/meter_slug");
        String token = Forwarding.token("{\"secret_key\":\"" + SANDBOX + "\",\"customer_id\":\""
                + customer.customerId() + "\",\"meter_slug\":\"" + otherSlug
                + "\",\"disable_billing\":true}");
        int before = provider().received().size();

        HttpResponse<String> response = Forwarding.post(api(), token, OPENAI_CHAT, CHAT_REQUEST);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(errorCode(response)).isEqualTo("meter_not_in_plan");
        assertThat(provider().received()).hasSize(before);
    }

    @Test
    void providerKeyReachesOpenAi() {
        Subscriber customer = newSubscriber("byok openai");
        String token = tokenWith(customer, "\"provider_key\":\"sk-merchant-own-key\"");

        HttpResponse<String> response = Forwarding.post(api(), token, OPENAI_CHAT, CHAT_REQUEST);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Received upstream = provider().received().getLast();
        assertThat(upstream.header("Authorization")).isEqualTo("Bearer sk-merchant-own-key");
        JsonNode record = record(response);
        assertThat(record.at("/provider_key_type").asText()).isEqualTo("unmanaged");
        assertThat(record.at("/charge/amount").asText()).isEqualTo(CHAT_CHARGE);
    }

    @Test
    void providerKeyReachesAnthropic() {
        Subscriber customer = newSubscriber("byok anthropic");
        String token = tokenWith(customer, "\"provider_key\":\"sk-ant-own-key\"");

        HttpResponse<String> response = Forwarding.post(api(), token,
                "https://api.anthropic.com/v1/messages", MESSAGES_REQUEST);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Received upstream = provider().received().getLast();
        assertThat(upstream.header("x-api-key")).isEqualTo("sk-ant-own-key");
        assertThat(upstream.header("Authorization")).isNull();
        assertThat(record(response).at("/provider_key_type").asText()).isEqualTo("unmanaged");
    }

    @Test
    void unknownCustomerGets401() {
        Subscriber customer = newSubscriber("unknown customer");
        String token = GatewayServer.forwardToken("con_test_01JXXXXXXXXXXXXXXXXXXXXXXX",
                customer.meterSlug());

        HttpResponse<String> response = Forwarding.post(api(), token, OPENAI_CHAT, CHAT_REQUEST);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("invalid_api_key");
    }

    @Test
    void deletedCustomerGets401() {
        Subscriber customer = newSubscriber("deleted customer");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());
        assertThat(Forwarding.post(api(), token, OPENAI_CHAT, CHAT_REQUEST).statusCode())
                .isEqualTo(200);
        assertThat(api().delete(SANDBOX, "/v1/customers/" + customer.customerId()).status())
                .isEqualTo(200);
        int before = provider().received().size();

        HttpResponse<String> response = Forwarding.post(api(), token, OPENAI_CHAT, CHAT_REQUEST);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("invalid_api_key");
        assertThat(provider().received()).hasSize(before);
    }

    @Test
    void unlinkedMeterGets403() {
        Subscriber customer = newSubscriber("linked");
        String otherSlug = api().post(SANDBOX, "/v1/meters",
                TOKENS_METER.formatted("unlinked " + PHONES.incrementAndGet())).at("/meter_slug");
        String token = GatewayServer.forwardToken(customer.customerId(), otherSlug);

        HttpResponse<String> response = Forwarding.post(api(), token, OPENAI_CHAT, CHAT_REQUEST);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(errorCode(response)).isEqualTo("meter_not_in_plan");
        assertThat(errorMessage(response)).contains(otherSlug);
    }

    @Test
    void missingCreditGets402JsonError() throws IOException {
        Subscriber customer = GatewayServer.subscribe(api(), TOKENS_METER.formatted("no credit"),
                "0.00", "0.00", nextPhone());
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());

        HttpResponse<String> response = Forwarding.post(api(), token, OPENAI_CHAT, CHAT_REQUEST);

        assertThat(response.statusCode()).isEqualTo(402);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("payment_required");
        assertThat(error.get("code").asText()).isEqualTo("insufficient_credit");
        assertThat(error.get("message").asText()).contains(customer.customerId());
        assertThat(error.get("message").asText()).contains("0.0000000000");
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void xApiKeyHeaderCarriesToken() {
        Subscriber customer = newSubscriber("x-api-key");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());
        HttpRequest request = Forwarding.to(api(), "/v1/forward?u=" + OPENAI_CHAT)
                .header("x-api-key", token)
                .POST(HttpRequest.BodyPublishers.ofString(CHAT_REQUEST))
                .build();

        HttpResponse<String> response = send(request);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(record(response).at("/customer_id").asText()).isEqualTo(customer.customerId());
        assertThat(totalRemaining(customer)).isEqualTo("9.9986000000");
    }

    @Test
    void unencodedUrlWithAppendedPath() {
        // An SDK's base URL constant followed by the path the client appends to it.
        HttpResponse<String> response = sendWithSecretKey("/v1/forward?u=https://api.openai.com/v1"
                + "/chat/completions");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(provider().received().getLast().path()).isEqualTo("/v1/chat/completions");
        assertThat(record(response).at("/endpoint").asText())
                .isEqualTo("POST https://api.openai.com/v1/chat/completions");
    }

    @Test
    void encodedUrlReachesSamePath() {
        HttpResponse<String> response = sendWithSecretKey("/v1/forward?u="
                + "https%3A%2F%2Fapi.openai.com%2Fv1%2Fchat%2Fcompletions");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(provider().received().getLast().path()).isEqualTo("/v1/chat/completions");
        assertThat(record(response).at("/endpoint").asText())
                .isEqualTo("POST https://api.openai.com/v1/chat/completions");
    }

    @Test
    void pathAfterForwardJoinsBaseUrl() {
        HttpResponse<String> response = sendWithSecretKey("/v1/forward/chat/completions"
                + "?u=https://api.openai.com/v1");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(provider().received().getLast().path()).isEqualTo("/v1/chat/completions");
        assertThat(record(response).at("/endpoint").asText())
                .isEqualTo("POST https://api.openai.com/v1/chat/completions");
    }

    @Test
    void extraQueryParametersPassThrough() {
        HttpResponse<String> response = sendWithSecretKey("/v1/forward?u=https://api.openai.com/v1"
                + "/chat/completions&api-version=2024-10-21&metadata=%7B%22k%22%3A%22v%22%7D");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(provider().received().getLast().query()).isEqualTo("api-version=2024-10-21");
    }

    @Test
    void anthropicDoubledVersionCollapsed() {
        HttpRequest request = Forwarding.to(api(), "/v1/forward?u=https://api.anthropic.com/v1"
                        + "/v1/messages")
                .header("x-api-key", SANDBOX)
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(MESSAGES_REQUEST))
                .build();

        HttpResponse<String> response = send(request);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Received upstream = provider().received().getLast();
        assertThat(upstream.path()).isEqualTo("/v1/messages");
        assertThat(upstream.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(record(response).at("/endpoint").asText())
                .isEqualTo("POST https://api.anthropic.com/v1/messages");
    }

    @Test
    void callerCredentialsNeverReachUpstream() {
        Subscriber customer = newSubscriber("credentials");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());
        List<HttpRequest> requests = List.of(
                Forwarding.request(api(), token, OPENAI_CHAT, CHAT_REQUEST),
                Forwarding.to(api(), "/v1/forward?u=" + OPENAI_CHAT)
                        .header("x-api-key", token)
                        .header("Cookie", "session=" + SANDBOX)
                        .POST(HttpRequest.BodyPublishers.ofString(CHAT_REQUEST))
                        .build(),
                Forwarding.request(api(), SANDBOX, OPENAI_CHAT, CHAT_REQUEST));

        for (HttpRequest request : requests) {
            HttpResponse<String> response = send(request);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            Map<String, List<String>> headers = provider().received().getLast().headers();
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                for (String value : header.getValue()) {
                    assertThat(value).as(header.getKey()).doesNotContain(token);
                    assertThat(value).as(header.getKey()).doesNotContain(SANDBOX);
                }
            }
        }
    }

    private static FakeProvider provider() {
        return gateway.provider();
    }

    private static TestServer api() {
        return gateway.api();
    }

    private static String nextPhone() {
        return "+1202555" + String.format("%04d", PHONES.incrementAndGet());
    }

    private static Subscriber newSubscriber(String name) {
        return gateway.subscriber(TOKENS_METER.formatted(name), "10.00", "10.00", nextPhone());
    }

    /** Returns a customer billing token with {@code extraFields} added to its JSON. */
    private static String tokenWith(Subscriber customer, String extraFields) {
        return Forwarding.token("{\"secret_key\":\"" + SANDBOX + "\",\"customer_id\":\""
                + customer.customerId() + "\",\"meter_slug\":\"" + customer.meterSlug() + "\","
                + extraFields + "}");
    }

    private static HttpResponse<String> sendWithSecretKey(String pathAndQuery) {
        return send(Forwarding.to(api(), pathAndQuery)
                .header("Authorization", "Bearer " + SANDBOX)
                .POST(HttpRequest.BodyPublishers.ofString(CHAT_REQUEST))
                .build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        return Forwarding.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode record(HttpResponse<String> response) {
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        ApiResponse record = api().get(SANDBOX, "/v1/requests/" + requestId);
        assertThat(record.status()).as(record.text()).isEqualTo(200);
        return record.json();
    }

    private static String totalRemaining(Subscriber customer) {
        return api().get(SANDBOX, "/v1/customers/" + customer.customerId() + "/subscription")
                .at("/subscription/credits/total_remaining");
    }

    private static String errorCode(HttpResponse<String> response) {
        return errorField(response, "code");
    }

    private static String errorMessage(HttpResponse<String> response) {
        return errorField(response, "message");
    }

    private static String errorField(HttpResponse<String> response, String field) {
        try {
            return JSON.readTree(response.body()).at("/error/" + field).asText();
        } catch (IOException e) {
            throw new AssertionError("error body is not JSON: " + response.body(), e);
        }
    }
}
