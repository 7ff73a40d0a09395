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
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class ConcurrentAdmissionTest {
    private static final int REQUESTS = 50;
    private static GatewayServer gateway;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) {
        gateway = GatewayServer.start(database);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        gateway.close();
    }

    @Test
    void concurrentStreamsNeverOverdrawCredit() throws Exception {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word \"}}]}\n\n");
        }
        events.add("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":20,"
                + "\"total_tokens\":25}}\n\n");
        events.add("data: [DONE]\n\n");
        gateway.provider().on("/v1/chat/completions", Reply.stream(events));
        // One dollar per request and ten dollars of credit: room for exactly ten requests.
        GatewayServer.Subscriber customer = gateway.subscriber("{\"name\":\"Per request\","
                + "\"rate_type\":\"fixed\",\"tier_type\":\"requests\","
                + "\"tiers\":[{\"start\":\"0\",\"rate\":\"1\"}]}", "10.00", "10.00", "+12025550150");
        String token = GatewayServer.forwardToken(customer.customerId(), customer.meterSlug());
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";

        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                results.add(pool.submit(() -> drain(Forwarding.open(gateway.api(), token,
                        "https://api.openai.com/v1/chat/completions", body))));
            }
            for (Future<Integer> result : results) {
                statuses.add(result.get());
            }
        }

        long admitted = statuses.stream().filter(status -> status == 200).count();
        long refused = statuses.stream().filter(status -> status == 402).count();
        assertThat(admitted).isEqualTo(10);
        assertThat(refused).isEqualTo(REQUESTS - 10);
        JsonNode credits = gateway.api().get(TestServer.SANDBOX_KEY, "/v1/customers/"
                + customer.customerId() + "/subscription").json().at("/subscription/credits");
        assertThat(new BigDecimal(credits.at("/total_remaining").asText())).isZero();
        JsonNode records = gateway.api().get(TestServer.SANDBOX_KEY, "/v1/requests?limit=100&customer_id="
                + customer.customerId()).json().get("data");
        BigDecimal charged = BigDecimal.ZERO;
        for (JsonNode record : records) {
            charged = charged.add(new BigDecimal(record.at("/charge/amount").asText()));
        }
        assertThat(records.size()).isEqualTo(10);
        assertThat(charged).isEqualByComparingTo("10");
        assertThat(gateway.api().server().database().jdbi().withHandle(LedgerCheck::firstMismatch))
                .isEmpty();
    }

    private static int drain(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            body.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return response.statusCode();
    }
}
