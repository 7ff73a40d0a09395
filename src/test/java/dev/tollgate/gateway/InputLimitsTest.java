package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.Forwarding;
import dev.tollgate.testing.GatewayOnBothDatabases;
import dev.tollgate.testing.GatewayServer;
import dev.tollgate.testing.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class InputLimitsTest extends GatewayOnBothDatabases {
    private static final String OPENAI_CHAT = "https://api.openai.com/v1/chat/completions";
    private static String token(String rate, String phone) {
        GatewayServer.Subscriber customer = gateway.subscriber("{\"name\":\"Limit " + phone
                + "\",\"rate_type\":\"fixed\",\"tier_type\":\"tokens_1m\",\"tiers\":[{\"start\":\"0\","
                + "\"rate\":\"" + rate + "\"}]}", "10.00", "10.00", phone);
        return GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());
    }

    @Test
    void hugeMaxTokensRejected() {
        String token = token("2", "+12025550181");

        HttpResponse<String> response = Forwarding.post(gateway.api(), token, OPENAI_CHAT,
                "{\"model\":\"gpt-4o-mini\",\"max_tokens\":1000000000000000,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"param\":\"max_tokens\"");
    }

    @Test
    void unaffordableHoldGets402() {
        String token = token("1000000", "+12025550182");

        HttpResponse<String> response = Forwarding.post(gateway.api(), token, OPENAI_CHAT,
                "{\"model\":\"gpt-4o-mini\",\"max_tokens\":99000000,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(402);
        assertThat(response.body()).contains("insufficient_credit");
    }

    @Test
    void oversizedRecordedUsageRejected() {
        GatewayServer.Subscriber customer = gateway.subscriber("{\"name\":\"Dear\",\"rate_type\":"
                + "\"fixed\",\"tier_type\":\"tokens_1m\",\"tiers\":[{\"start\":\"0\","
                + "\"rate\":\"1000000\"}]}", "10.00", "10.00", "+12025550183");

        ApiResponse response = gateway.api().post(TestServer.SANDBOX_KEY, "/v1/requests",
                "{\"request_id\":\"big-1\",\"customer_id\":\"" + customer.customerId()
                        + "\",\"meter_slug\":\"" + customer.meterSlug()
                        + "\",\"input_tokens\":1000000000000}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.at("/error/param")).isEqualTo("input_tokens");
    }

    @Test
    void malformedCursorRejected() {
        ApiResponse response = gateway.api().get(TestServer.SANDBOX_KEY, "/v1/customers?cursor=garbage");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.at("/error/param")).isEqualTo("cursor");
    }

    @Test
    void duplicateFieldRejected() {
        ApiResponse response = gateway.api().post(TestServer.SANDBOX_KEY, "/v1/customers",
                "{\"name\":\"Ada\",\"name\":\"Bob\"}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.at("/error/code")).isEqualTo("invalid_json");
        assertThat(response.at("/error/message")).contains("'name'");
    }

    @Test
    void unparsedUpstreamNamedInError() {
        String token = token("2", "+12025550184");

        HttpResponse<String> response = Forwarding.post(gateway.api(), token,
                "https://127.1/v1/chat/completions", "{}");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("127.1");
        assertThat(response.body()).doesNotContain("null://");
    }
}
