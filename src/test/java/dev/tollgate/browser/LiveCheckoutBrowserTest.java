package dev.tollgate.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.NodeProject;
import dev.tollgate.testing.StripeStandIn;
import dev.tollgate.testing.TestServer;
import dev.tollgate.testing.TwilioStandIn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs {@code compat/browser/live-checkout.test.mjs}: headless Chromium buys through the demo
 * merchant site with a live key, against a server whose Twilio and Stripe clients point at
 * stand-ins on 127.0.0.1 and whose page loads the stand-in Stripe.js. Afterwards the Stripe
 * stand-in must have saved and charged the card, and a top-up of the new customer must charge the
 * saved card again. Needs {@code node}, {@code npm} and Chromium at {@code /usr/bin/chromium};
 * without them the test is skipped, except under {@code CI=true}, where that is a failure.
 */
@Tag("browser")
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
class LiveCheckoutBrowserTest {
    private static final Path BROWSER_PROJECT = Path.of("compat", "browser");
    private static final Path DEMO_PROJECT = Path.of("examples", "checkout-demo");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String TEST_SCRIPT = "live-checkout.test.mjs";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    private static final String LIVE = TestServer.LIVE_KEY;
    private static final String SUBSCRIBER_PHONE = "+12025550181";
    private static final String DECLINED_PHONE = "+12025550182";

    private static TwilioStandIn twilio;
    private static StripeStandIn stripe;
    private static TestServer server;

    @Parameter
    DatabaseKind database;

    @BeforeParameterizedClassInvocation
    static void start(DatabaseKind database) {
        twilio = TwilioStandIn.start();
        stripe = StripeStandIn.start();
        Map<String, String> env = new HashMap<>(twilio.settings());
        env.putAll(stripe.settings());
        server = TestServer.start(database, Clock.systemUTC(), env);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        try {
            assertThat(server.ledgerMismatch()).isEmpty();
        } finally {
            server.close();
            stripe.close();
            twilio.close();
        }
    }

    @Test
    void liveCheckoutPassesInChromium() {
        requireChromium();
        NodeProject.installed(DEMO_PROJECT);
        NodeProject project = NodeProject.installed(BROWSER_PROJECT);
        Plan plan = createPlan();

        project.assertTestPasses(TEST_SCRIPT, Map.ofEntries(
                Map.entry("TOLLGATE_URL", "http://127.0.0.1:" + server.port() + "/"),
                Map.entry("TOLLGATE_LIVE_KEY", LIVE),
                Map.entry("TOLLGATE_SANDBOX_KEY", TestServer.SANDBOX_KEY),
                Map.entry("PLAN_ID", plan.planId()),
                Map.entry("SUBSCRIBER_PHONE", SUBSCRIBER_PHONE),
                Map.entry("DECLINED_PHONE", DECLINED_PHONE),
                Map.entry("TWILIO_STANDIN_URL", twilio.baseUrl()),
                Map.entry("STRIPE_PUBLISHABLE_KEY", StripeStandIn.PUBLISHABLE_KEY),
                Map.entry("STRIPE_JS_URL", stripe.scriptUrl()),
                Map.entry("DEMO_PORT", String.valueOf(freePort())),
                Map.entry("SCREENSHOT_DIR", Path.of("target", "browser-screenshots", "live")
                        .toAbsolutePath().toString()),
                Map.entry("CHROMIUM_PATH", CHROMIUM.toString()),
                Map.entry("NO_COLOR", "1")),
                RUN_TIMEOUT);

        String customerId = customerWithPhone(SUBSCRIBER_PHONE);
        String saved = savedMethod(customerId);
        assertThat(saved).matches("cus_standin[0-9]+\\|pm_standin_"
                + StripeStandIn.CARD_SUCCEEDS + "_[0-9]+");
        String stripeCustomer = saved.split("\\|")[0];
        String paymentMethod = saved.split("\\|")[1];
        assertCardSaved(paymentMethod);
        assertCheckoutCharged(stripeCustomer, paymentMethod);
        assertDeclineReturned();
        assertTopUpCharged(customerId, plan, stripeCustomer, paymentMethod);
    }

    /** A plan of $25 a month with $20 of credit, a $10 request meter and a $10 auto top-up. */
    private record Plan(String planId, String meterSlug) {
    }

    private static Plan createPlan() {
        ApiResponse meter = server.post(LIVE, "/v1/meters", "{\"name\":\"Live requests\","
                + "\"rate_type\":\"fixed\",\"tier_type\":\"requests\",\"tiers\":[{\"start\":"
                + "\"0\",\"rate\":\"10\"}]}");
        assertThat(meter.status()).as(meter.text()).isEqualTo(201);
        ApiResponse plan = server.post(LIVE, "/v1/plans", "{\"name\":\"Writer Pro\","
                + "\"period_amount\":\"25.00\",\"included_credit\":\"20.00\","
                + "\"billing_interval\":\"month\",\"meter_ids\":[\"" + meter.at("/meter_id")
                + "\"],\"credit_bundles\":[{\"name\":\"Extra 10\",\"cost\":\"10.00\","
                + "\"credit_amount\":\"12.00\"}],\"default_auto_top_up_bundle_index\":0}");
        assertThat(plan.status()).as(plan.text()).isEqualTo(201);
        return new Plan(plan.at("/plan_id"), meter.at("/meter_slug"));
    }

    private static void assertCardSaved(String paymentMethod) {
        List<StripeStandIn.Received> saves = stripe.received("/v1/customers").stream()
                .filter(request -> paymentMethod.equals(request.form().get("payment_method")))
                .toList();
        assertThat(saves).as("customer creations with %s", paymentMethod).hasSize(1);
        assertThat(saves.get(0).authorization()).isEqualTo("Bearer " + StripeStandIn.SECRET_KEY);
        assertThat(saves.get(0).idempotencyKey()).isNotBlank();
        assertThat(saves.get(0).form())
                .containsEntry("invoice_settings[default_payment_method]", paymentMethod);
    }

    private static void assertCheckoutCharged(String stripeCustomer, String paymentMethod) {
        List<StripeStandIn.Received> intents = intentsFor(stripeCustomer);
        assertThat(intents).as("PaymentIntents of %s", stripeCustomer).hasSize(1);
        StripeStandIn.Received intent = intents.get(0);
        assertThat(intent.form()).containsEntry("amount", "2500")
                .containsEntry("currency", "usd")
                .containsEntry("payment_method", paymentMethod)
                .containsEntry("off_session", "true")
                .containsEntry("confirm", "true");
        assertThat(intent.idempotencyKey()).startsWith("cs_");
        assertThat(intent.status()).isEqualTo(200);
    }

    private static void assertDeclineReturned() {
        assertThat(stripe.received("/v1/payment_intents")).anySatisfy(request -> {
            assertThat(request.form().get("payment_method"))
                    .startsWith("pm_standin_" + StripeStandIn.CARD_DECLINED_ON_CHARGE);
            assertThat(request.status()).isEqualTo(402);
        });
        String declinedCustomer = customerWithPhone(DECLINED_PHONE);
        assertThat(savedMethod(declinedCustomer))
                .contains("pm_standin_" + StripeStandIn.CARD_SUCCEEDS);
    }

    /** Spends the $20 of credit in two requests, which buys the $10 bundle with the saved card. */
    private static void assertTopUpCharged(String customerId, Plan plan, String stripeCustomer,
            String paymentMethod) {
        for (int i = 0; i < 2; i++) {
            ApiResponse used = server.post(LIVE, "/v1/requests", "{\"request_id\":\"browser-use-"
                    + i + "\",\"customer_id\":\"" + customerId + "\",\"meter_slug\":\""
                    + plan.meterSlug() + "\"}");
            assertThat(used.status()).as(used.text()).isEqualTo(201);
        }

        List<StripeStandIn.Received> intents = intentsFor(stripeCustomer);
        assertThat(intents).as("PaymentIntents of %s", stripeCustomer).hasSize(2);
        StripeStandIn.Received topUp = intents.get(1);
        assertThat(topUp.form()).containsEntry("amount", "1000")
                .containsEntry("payment_method", paymentMethod)
                .containsEntry("off_session", "true")
                .containsEntry("confirm", "true");
        assertThat(topUp.idempotencyKey()).startsWith("topup:");
        JsonNode credits = server.get(LIVE, "/v1/customers/" + customerId + "/subscription")
                .json().at("/subscription/credits");
        assertThat(credits.get("bundle_remaining").asText()).isEqualTo("12.0000000000");
    }

    private static List<StripeStandIn.Received> intentsFor(String stripeCustomer) {
        return stripe.received("/v1/payment_intents").stream()
                .filter(request -> stripeCustomer.equals(request.form().get("customer")))
                .toList();
    }

    private static String customerWithPhone(String phone) {
        return server.server().database().jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT id FROM customers WHERE phone = :phone AND environment = 'live'")
                .bind("phone", phone).mapTo(String.class).one());
    }

    private static String savedMethod(String customerId) {
        return server.server().database().jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT payment_method FROM customers WHERE id = :id")
                .bind("id", customerId).mapTo(String.class).one());
    }

    /** Returns a port that was free a moment ago, for the demo site the script starts. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireChromium() {
        if (Files.isExecutable(CHROMIUM)) {
            return;
        }
        String message = "The browser tests need Chromium at " + CHROMIUM
                + ". Install it with: apt-get install -y chromium";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(message + " Under CI=true a missing tool fails the test.");
        }
        Assumptions.abort(message);
    }
}
