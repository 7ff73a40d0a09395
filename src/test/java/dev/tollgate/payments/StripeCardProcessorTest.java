package dev.tollgate.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.money.Money;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the Stripe processor against a stand-in for Stripe's HTTP API on 127.0.0.1. */
class StripeCardProcessorTest {
    private static final String KEY = "sk_test_" + "x".repeat(24);
    private static final String SAVED = "cus_A1|pm_B2";

    private record Received(String path, String authorization, String idempotencyKey,
            Map<String, String> form) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String reply = "{\"id\":\"pi_1\",\"object\":\"payment_intent\","
            + "\"status\":\"succeeded\",\"amount\":2500,\"currency\":\"usd\"}";
    private HttpServer standIn;
    private StripeCardProcessor processor;

    @BeforeEach
    void startStandIn() throws IOException {
        standIn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        standIn.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"), parseForm(body)));
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Request-Id", "req_standin");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        standIn.start();
        processor = new StripeCardProcessor(KEY,
                "http://127.0.0.1:" + standIn.getAddress().getPort());
    }

    @AfterEach
    void stopStandIn() {
        standIn.stop(0);
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        if (body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            String[] parts = pair.split("=", 2);
            form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }

    private static PaymentProcessor.ChargeRequest charge(String key, String amount) {
        return new PaymentProcessor.ChargeRequest(key, SAVED,
                Money.fromExact(new java.math.BigDecimal(amount)), "Renewal sub_1");
    }

    @Test
    void chargeSendsOffSessionIntent() {
        PaymentProcessor.ChargeResult result = processor.charge(charge("renewal:sub_1:3", "25.00"));

        assertThat(result.succeeded()).isTrue();
        assertThat(received).hasSize(1);
        Received request = received.get(0);
        assertThat(request.path()).isEqualTo("/v1/payment_intents");
        assertThat(request.authorization()).isEqualTo("Bearer " + KEY);
        assertThat(request.idempotencyKey()).isEqualTo("renewal:sub_1:3");
        assertThat(request.form()).containsEntry("amount", "2500")
                .containsEntry("currency", "usd")
                .containsEntry("customer", "cus_A1")
                .containsEntry("payment_method", "pm_B2")
                .containsEntry("confirm", "true")
                .containsEntry("off_session", "true");
    }

    @Test
    void everyChargeCarriesItsOwnKey() {
        processor.charge(charge("top_up:sub_1:1", "10.00"));
        processor.charge(charge("top_up:sub_1:1", "10.00"));
        processor.charge(charge("top_up:sub_1:2", "10.00"));

        assertThat(received).extracting(Received::idempotencyKey)
                .containsExactly("top_up:sub_1:1", "top_up:sub_1:1", "top_up:sub_1:2");
    }

    @Test
    void declinedCardReturnsDeclineCode() {
        status = 402;
        reply = "{\"error\":{\"type\":\"card_error\",\"code\":\"card_declined\","
                + "\"decline_code\":\"insufficient_funds\",\"message\":\"Your card has"
                + " insufficient funds.\"}}";

        PaymentProcessor.ChargeResult result = processor.charge(charge("k1", "25.00"));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.failureCode()).isEqualTo("insufficient_funds");
        assertThat(received).hasSize(1);
    }

    @Test
    void authenticationRequiredIsFailure() {
        reply = "{\"id\":\"pi_2\",\"object\":\"payment_intent\",\"status\":\"requires_action\"}";

        PaymentProcessor.ChargeResult result = processor.charge(charge("k2", "25.00"));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.failureCode()).isEqualTo("authentication_required");
    }

    @Test
    void saveCardCreatesDefaultMethod() {
        reply = "{\"id\":\"cus_N1\",\"object\":\"customer\"}";

        String saved = processor.saveCard("pm_card_1", "save:cs_1");

        assertThat(saved).isEqualTo("cus_N1|pm_card_1");
        Received request = received.get(0);
        assertThat(request.path()).isEqualTo("/v1/customers");
        assertThat(request.idempotencyKey()).isEqualTo("save:cs_1");
        assertThat(request.form()).containsEntry("payment_method", "pm_card_1")
                .containsEntry("invoice_settings[default_payment_method]", "pm_card_1");
    }

    @Test
    void centsRoundHalfEven() {
        assertThat(StripeCardProcessor.toCents(Money.fromExact(new java.math.BigDecimal("25.00"))))
                .isEqualTo(2500);
        assertThat(StripeCardProcessor.toCents(Money.fromExact(new java.math.BigDecimal("0.125"))))
                .isEqualTo(12);
        assertThat(StripeCardProcessor.toCents(Money.fromExact(new java.math.BigDecimal("0.135"))))
                .isEqualTo(14);
    }

    @Test
    void malformedReferenceIsRejected() {
        assertThatThrownBy(() -> processor.charge(new PaymentProcessor.ChargeRequest("k",
                "4242424242424242", Money.fromExact(java.math.BigDecimal.ONE), "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("4242");
        assertThat(received).isEmpty();
    }
}
