package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.billing.ledger.LedgerCheck;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.Forwarding;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Provider usage figures that are too large, not numbers, or fractions. */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class ImplausibleUsageForwardTest {
    private static final String KEY = TestServer.SANDBOX_KEY;
    private static final String OPENAI_CHAT = "https://api.openai.com/v1/chat/completions";
    private static final AtomicInteger COUNT = new AtomicInteger();

    private static GatewayServer gateway;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) throws IOException {
        // A price far above any real one, so that implausible usage overflows the provider cost.
        Path prices = Files.createTempFile("tollgate-prices-", ".json");
        Files.writeString(prices, """
                {"providers": {"openai": {"source": "test", "as_of": "2026-12-04",
                  "models": {"pricey-model": {"input": "1000000", "output": "1000000"}}}}}""");
        gateway = GatewayServer.start(database, Map.of("TOLLGATE_PRICES_FILE", prices.toString()));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        gateway.close();
    }

    private static String reply(String usage) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"Hello there, how are you?\"}}],\"usage\":" + usage + "}";
    }

    private static GatewayServer.Subscriber subscriber(String rate) {
        int number = COUNT.incrementAndGet();
        return gateway.subscriber("{\"name\":\"Implausible " + number + "\",\"rate_type\":\"fixed\","
                + "\"tier_type\":\"tokens_1m\",\"tiers\":[{\"start\":\"0\",\"rate\":\"" + rate
                + "\"}]}", "10.00", "10.00", "+1202555" + (7000 + number));
    }

    private static JsonNode forward(GatewayServer.Subscriber customer, String body) {
        HttpResponse<String> response = Forwarding.post(gateway.api(),
                GatewayServer.forwardToken(customer.customerId(), customer.meterSlug()),
                OPENAI_CHAT, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        return gateway.api().get(KEY, "/v1/requests/" + requestId).json();
    }

    private static String remaining(GatewayServer.Subscriber customer) {
        return gateway.api().get(KEY, "/v1/customers/" + customer.customerId() + "/subscription")
                .json().at("/subscription/credits/total_remaining").asText();
    }

    private static void assertLedgerClean() {
        assertThat(gateway.api().server().database().jdbi().withHandle(LedgerCheck::mismatches))
                .isEmpty();
    }

    @Test
    void outputCappedAtMaxTokens() {
        gateway.provider().on("/v1/chat/completions", Reply.json(200, reply(
                "{\"prompt_tokens\":100,\"completion_tokens\":5000,\"total_tokens\":5100}")));
        GatewayServer.Subscriber customer = subscriber("1000");

        JsonNode record = forward(customer, "{\"model\":\"gpt-4o-mini\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(record.at("/model_usage/output_tokens").asLong()).isEqualTo(10);
        assertThat(record.at("/model_usage/input_tokens").asLong()).isEqualTo(100);
        assertThat(record.at("/estimated").asBoolean()).isTrue();
        // 110 tokens at 1000 dollars per million: 0.11.
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.1100000000");
        assertThat(remaining(customer)).isEqualTo("9.8900000000");
    }

    @Test
    void outputLimitTimesChoices() {
        gateway.provider().on("/v1/chat/completions", Reply.json(200, reply(
                "{\"prompt_tokens\":100,\"completion_tokens\":5000,\"total_tokens\":5100}")));
        GatewayServer.Subscriber customer = subscriber("1000");

        // Three choices of at most 40 tokens each (the larger of the two limits): 120 tokens.
        JsonNode record = forward(customer, "{\"model\":\"gpt-4o-mini\",\"max_tokens\":10,"
                + "\"max_completion_tokens\":40,\"n\":3,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(record.at("/model_usage/output_tokens").asLong()).isEqualTo(120);
        assertThat(record.at("/estimated").asBoolean()).isTrue();
        // 220 tokens at 1000 dollars per million: 0.22.
        assertThat(record.at("/charge/amount").asText()).isEqualTo("0.2200000000");
    }

    @Test
    void hugeUsageChargedAtMaximum() {
        gateway.provider().on("/v1/chat/completions", Reply.json(200, reply(
                "{\"prompt_tokens\":1000000000000000000,\"completion_tokens\":1000000000000000000}")));
        // At 0.1 dollars per token, the 10^12 input tokens read from the reply would cost 10^11
        // dollars, and the hold for the 18 tokens the request may use is 1.80.
        GatewayServer.Subscriber customer = subscriber("100000");

        JsonNode record = forward(customer, "{\"model\":\"gpt-4o-mini\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(record.at("/status").asText()).isEqualTo("completed");
        assertThat(record.at("/charge/amount").asText()).isEqualTo("1000000.0000000000");
        assertThat(record.at("/estimated").asBoolean()).isTrue();
        assertThat(record.at("/model_usage/output_tokens").asLong()).isEqualTo(10);
        assertThat(remaining(customer)).isEqualTo("-999990.0000000000");
        assertLedgerClean();
    }

    @Test
    void hugeStreamedUsageChargedAtMaximum() throws IOException {
        gateway.provider().on("/v1/chat/completions", Reply.stream(List.of(
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n",
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":1e18,"
                        + "\"completion_tokens\":1e18}}\n\n",
                "data: [DONE]\n\n")));
        GatewayServer.Subscriber customer = subscriber("100000");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());

        HttpResponse<InputStream> response = Forwarding.open(gateway.api(), token, OPENAI_CHAT,
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"max_tokens\":10,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        try (InputStream body = response.body()) {
            body.readAllBytes();
        }

        assertThat(response.statusCode()).isEqualTo(200);
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        JsonNode record = gateway.api().get(KEY, "/v1/requests/" + requestId).json();
        assertThat(record.at("/status").asText()).isEqualTo("completed");
        assertThat(record.at("/charge/amount").asText()).isEqualTo("1000000.0000000000");
        assertThat(record.at("/estimated").asBoolean()).isTrue();
        assertLedgerClean();
    }

    @Test
    void overflowingProviderCostCapped() {
        gateway.provider().on("/v1/chat/completions", Reply.json(200, reply(
                "{\"prompt_tokens\":1000000000000,\"completion_tokens\":1}")
                .replace("gpt-4o-mini", "pricey-model")));
        int number = COUNT.incrementAndGet();
        GatewayServer.Subscriber customer = gateway.subscriber("{\"name\":\"Pricey " + number
                + "\",\"rate_type\":\"percentage\",\"tier_type\":\"tokens_1m\","
                + "\"tiers\":[{\"start\":\"0\",\"rate\":\"100\"}]}", "10.00", "10.00",
                "+1202555" + (7000 + number));

        // The hold is 100% of 8 prompt and 1 output tokens at a dollar per token: 9 dollars.
        JsonNode record = forward(customer, "{\"model\":\"pricey-model\",\"max_tokens\":1,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(record.at("/status").asText()).as(record.toString()).isEqualTo("completed");
        assertThat(record.at("/estimated").asBoolean()).as(record.toString()).isTrue();
        assertThat(record.at("/charge/amount").asText()).isEqualTo("1000000.0000000000");
        assertLedgerClean();
    }

    @Test
    void textCountsEstimated() {
        gateway.provider().on("/v1/chat/completions", Reply.json(200, reply(
                "{\"prompt_tokens\":\"100\",\"completion_tokens\":\"200\"}")));
        GatewayServer.Subscriber customer = subscriber("1000");

        JsonNode record = forward(customer, "{\"model\":\"gpt-4o-mini\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(record.at("/estimated").asBoolean()).isTrue();
        assertThat(record.at("/model_usage/input_tokens").asLong()).isPositive();
        assertThat(record.at("/model_usage/output_tokens").asLong()).isPositive();
        assertThat(record.at("/charge/amount").asText()).isNotEqualTo("0.0000000000");
    }

    @Test
    void negativeCountsEstimated() {
        gateway.provider().on("/v1/chat/completions", Reply.json(200, reply(
                "{\"prompt_tokens\":-5,\"completion_tokens\":-100}")));
        GatewayServer.Subscriber customer = subscriber("1000");

        JsonNode record = forward(customer, "{\"model\":\"gpt-4o-mini\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(record.at("/estimated").asBoolean()).isTrue();
        assertThat(record.at("/model_usage/input_tokens").asLong()).isPositive();
        assertThat(record.at("/charge/amount").asText()).isNotEqualTo("0.0000000000");
    }

    @Test
    void fractionalCountsRoundedUp() {
        gateway.provider().on("/v1/chat/completions", Reply.json(200, reply(
                "{\"prompt_tokens\":10.2,\"completion_tokens\":10.7}")));
        GatewayServer.Subscriber customer = subscriber("1000");

        JsonNode record = forward(customer, "{\"model\":\"gpt-4o-mini\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(record.at("/model_usage/input_tokens").asLong()).isEqualTo(11);
        assertThat(record.at("/model_usage/output_tokens").asLong()).isEqualTo(11);
        assertThat(record.at("/estimated").asBoolean()).isFalse();
    }
}
