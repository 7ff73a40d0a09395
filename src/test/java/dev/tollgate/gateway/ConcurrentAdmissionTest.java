package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.billing.ledger.LedgerCheck;
import dev.tollgate.testing.FakeProvider.Reply;
import dev.tollgate.testing.Forwarding;
import dev.tollgate.testing.GatewayOnBothDatabases;
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

class ConcurrentAdmissionTest extends GatewayOnBothDatabases {
    private static final int REQUESTS = 50;
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

    /** A customer with 4.99 of credit, a meter at 5 per request and a 10 dollar auto top-up. */
    private record TopUpCustomer(String customerId, String token) {
    }

    private static TopUpCustomer topUpCustomer(String phone, String card) {
        gateway.provider().on("/v1/chat/completions", Reply.json(200, """
                {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hi"}}],
                 "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"""));
        String key = TestServer.SANDBOX_KEY;
        JsonNode meter = gateway.api().post(key, "/v1/meters", "{\"name\":\"Five per request\","
                + "\"rate_type\":\"fixed\",\"tier_type\":\"requests\","
                + "\"tiers\":[{\"start\":\"0\",\"rate\":\"5\"}]}").json();
        JsonNode plan = gateway.api().post(key, "/v1/plans", "{\"name\":\"Top-up plan\","
                + "\"period_amount\":\"4.99\",\"included_credit\":\"4.99\","
                + "\"billing_interval\":\"month\",\"meter_ids\":[\""
                + meter.get("meter_id").asText() + "\"],\"credit_bundles\":[{\"name\":\"Ten\","
                + "\"cost\":\"10.00\",\"credit_amount\":\"10.00\"}],"
                + "\"default_auto_top_up_bundle_index\":0}").json();
        JsonNode session = gateway.api().post(key, "/v1/checkout_sessions", "{\"checkout_mode\":"
                + "\"subscription\",\"origin_url\":\"https://shop.example\",\"plan_id\":\""
                + plan.get("plan_id").asText() + "\"}").json();
        String customerId = gateway.api().post(key, "/v1/test_helpers/checkout_sessions/"
                + session.get("checkout_session_id").asText() + "/complete",
                "{\"phone\":\"" + phone + "\",\"card_number\":\"4242424242424242\"}").json()
                .get("customer_id").asText();
        // The checkout's card paid the plan; later charges go to the card stored now.
        gateway.api().server().database().jdbi().useHandle(handle -> handle.createUpdate(
                        "UPDATE customers SET payment_method = :card WHERE id = :id")
                .bind("card", card)
                .bind("id", customerId)
                .execute());
        return new TopUpCustomer(customerId,
                GatewayServer.forwardToken(customerId, meter.get("meter_slug").asText()));
    }

    private static List<Integer> forwardConcurrently(String token, int requests)
            throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                results.add(pool.submit(() -> drain(Forwarding.open(gateway.api(), token,
                        "https://api.openai.com/v1/chat/completions", body))));
            }
            for (Future<Integer> result : results) {
                statuses.add(result.get());
            }
        }
        return statuses;
    }

    private static int topUpPayments(String customerId, String status) {
        return gateway.api().server().database().jdbi().withHandle(handle -> handle
                .createQuery("SELECT COUNT(*) FROM payments WHERE customer_id = :c"
                        + " AND purpose = 'top_up' AND status = :status")
                .bind("c", customerId)
                .bind("status", status)
                .mapTo(Integer.class)
                .one());
    }

    @Test
    void concurrentRequestsBuyOnlyNeededTopUps() throws Exception {
        TopUpCustomer customer = topUpCustomer("+12025550151", "4242424242424242");

        List<Integer> statuses = forwardConcurrently(customer.token(), 10);

        // Ten requests cost 50 dollars. With 4.99 of credit, five 10 dollar bundles cover them
        // and leave 4.99; a sixth would not have been needed.
        assertThat(statuses).containsOnly(200);
        assertThat(topUpPayments(customer.customerId(), "succeeded")).isEqualTo(5);
        JsonNode credits = gateway.api().get(TestServer.SANDBOX_KEY, "/v1/customers/"
                + customer.customerId() + "/subscription").json().at("/subscription/credits");
        assertThat(credits.at("/total_remaining").asText()).isEqualTo("4.9900000000");
        assertThat(gateway.api().server().database().jdbi().withHandle(LedgerCheck::mismatches))
                .isEmpty();
    }

    @Test
    void declinedTopUpIsChargedOnceForABurst() throws Exception {
        TopUpCustomer customer = topUpCustomer("+12025550152", "4000000000000002");

        List<Integer> statuses = forwardConcurrently(customer.token(), 10);

        // 4.99 of credit covers no 5 dollar request, and the declined card buys nothing.
        assertThat(statuses).containsOnly(402);
        assertThat(topUpPayments(customer.customerId(), "failed")).isEqualTo(1);
        assertThat(topUpPayments(customer.customerId(), "succeeded")).isZero();
        assertThat(gateway.api().server().database().jdbi().withHandle(LedgerCheck::mismatches))
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
