package dev.tollgate.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.Checkouts;
import dev.tollgate.testing.Concurrently;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.StripeStandIn;
import dev.tollgate.testing.TestServer;
import dev.tollgate.testing.TwilioStandIn;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two server nodes on one PostgreSQL schema take concurrent payment steps of one live checkout
 * session. Only one of them may charge the card, which the Stripe stand-in counts.
 */
class CheckoutTwoNodeTest {
    private static final String LIVE = TestServer.LIVE_KEY;
    private static final String PHONE = "+12025550188";
    private static final int ATTEMPTS = 10;

    private TwilioStandIn twilio;
    private StripeStandIn stripe;
    private TestServer first;
    private TestServer second;

    @BeforeEach
    void startNodes() {
        twilio = TwilioStandIn.start();
        stripe = StripeStandIn.start();
        Map<String, String> env = new HashMap<>(twilio.settings());
        env.putAll(stripe.settings());
        first = TestServer.start(DatabaseKind.POSTGRESQL, Clock.systemUTC(), env);
        second = TestServer.startOn(first.database(), Clock.systemUTC(), env);
    }

    @AfterEach
    void stopNodes() {
        first.stopKeepingDatabase();
        second.close();
        stripe.close();
        twilio.close();
    }

    private static ApiResponse step(TestServer node, String secret, String step, String json) {
        return node.send(null, "POST", "/embed/checkout/" + secret + "/" + step, json);
    }

    @Test
    void payOnBothNodesChargesOnce() throws Exception {
        Checkouts.Session session = Checkouts.subscription(first, LIVE,
                Checkouts.plan(first, LIVE, "9.99"));
        assertThat(step(first, session.secret(), "phone", "{\"phone\":\"" + PHONE + "\"}")
                .status()).isEqualTo(200);
        String code = twilio.lastCode(PHONE).orElseThrow();
        assertThat(step(second, session.secret(), "code", "{\"code\":\"" + code + "\"}")
                .status()).isEqualTo(200);

        List<ApiResponse> responses = Concurrently.run(ATTEMPTS, i -> step(
                i % 2 == 0 ? first : second, session.secret(), "payment",
                "{\"payment_method_id\":\"pm_standin_" + StripeStandIn.CARD_SUCCEEDS + "_"
                        + (9000 + i) + "\"}"));

        List<Integer> statuses = responses.stream().map(ApiResponse::status).toList();
        assertThat(statuses).as(statuses.toString()).containsOnlyOnce(200);
        assertThat(statuses).as(statuses.toString()).containsOnly(200, 409);
        assertThat(stripe.received("/v1/payment_intents")).hasSize(1);
        assertThat(stripe.received("/v1/customers")).hasSize(1);
        assertThat(first.ledgerMismatch()).isEmpty();
    }
}
