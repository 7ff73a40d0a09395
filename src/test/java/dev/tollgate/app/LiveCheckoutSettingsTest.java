package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.checkout.StripeJsSettings;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveCheckoutSettingsTest {
    private static final Map<String, String> ALL = Map.of(
            "TWILIO_ACCOUNT_SID", "AC1",
            "TWILIO_AUTH_TOKEN", "token",
            "TWILIO_FROM", "+12025550199",
            "STRIPE_SECRET_KEY", "sk_test_1",
            "STRIPE_PUBLISHABLE_KEY", "pk_test_1");

    private static Map<String, String> with(String name, String value) {
        Map<String, String> env = new HashMap<>(ALL);
        env.put(name, value);
        return env;
    }

    @Test
    void badStripeSettingCreatesNothing(@TempDir Path parent) {
        Path dataDir = parent.resolve("data");
        Config config = Config.forTest(dataDir, Optional.empty(), TestServer.SANDBOX_KEY,
                TestServer.LIVE_KEY, with("STRIPE_PUBLISHABLE_KEY", "sk_test_swapped"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> Server.start(config, Clock.systemUTC(),
                new PrintStream(out, true, StandardCharsets.UTF_8)))
                .hasMessageContaining("STRIPE_PUBLISHABLE_KEY");
        assertThat(dataDir).doesNotExist();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void missingListsUnsetNames() {
        assertThat(LiveCheckoutSettings.missing(Map.of())).containsExactly("TWILIO_ACCOUNT_SID",
                "TWILIO_AUTH_TOKEN", "TWILIO_FROM", "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY");
        assertThat(LiveCheckoutSettings.missing(Map.of("TWILIO_FROM", " ")))
                .contains("TWILIO_FROM");
        assertThat(LiveCheckoutSettings.missing(with("STRIPE_PUBLISHABLE_KEY", "")))
                .containsExactly("STRIPE_PUBLISHABLE_KEY");
        assertThat(LiveCheckoutSettings.missing(ALL)).isEmpty();
    }

    @Test
    void processorNeedsOnlySecretKey() {
        assertThat(LiveCheckoutSettings.paymentProcessor(Map.of())).isEmpty();
        assertThat(LiveCheckoutSettings.paymentProcessor(Map.of("STRIPE_SECRET_KEY",
                "sk_live_1"))).isPresent();
        assertThatThrownBy(() -> LiveCheckoutSettings.paymentProcessor(Map.of(
                "STRIPE_SECRET_KEY", "pk_live_1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STRIPE_SECRET_KEY");
        assertThatThrownBy(() -> LiveCheckoutSettings.paymentProcessor(with("STRIPE_API_BASE",
                "api.stripe.com")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STRIPE_API_BASE");
    }

    @Test
    void stripeJsDefaultsToStripeOrigins() {
        StripeJsSettings settings = LiveCheckoutSettings.stripeJs(ALL).orElseThrow();

        assertThat(settings.publishableKey()).isEqualTo("pk_test_1");
        assertThat(settings.scriptUrl()).isEqualTo("https://js.stripe.com/v3/");
        assertThat(settings.scriptOrigin()).isEqualTo("https://js.stripe.com");
        assertThat(settings.apiOrigin()).isEqualTo("https://api.stripe.com");
        assertThat(LiveCheckoutSettings.stripeJs(Map.of())).isEmpty();
    }

    @Test
    void stripeJsFollowsOverrides() {
        Map<String, String> env = with("STRIPE_JS_URL", "http://127.0.0.1:9101/v3/");
        env.put("STRIPE_API_BASE", "http://127.0.0.1:9102/");

        StripeJsSettings settings = LiveCheckoutSettings.stripeJs(env).orElseThrow();

        assertThat(settings.scriptUrl()).isEqualTo("http://127.0.0.1:9101/v3/");
        assertThat(settings.scriptOrigin()).isEqualTo("http://127.0.0.1:9101");
        assertThat(settings.apiOrigin()).isEqualTo("http://127.0.0.1:9102");
    }

    @Test
    void secretKeyNeverAcceptedAsPublishable() {
        assertThatThrownBy(() -> LiveCheckoutSettings.stripeJs(with("STRIPE_PUBLISHABLE_KEY",
                "sk_live_secret")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STRIPE_PUBLISHABLE_KEY")
                .hasMessageNotContaining("sk_live_secret");
        assertThatThrownBy(() -> LiveCheckoutSettings.stripeJs(with("STRIPE_JS_URL",
                "js.stripe.com/v3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STRIPE_JS_URL");
    }

    @Test
    void smsSenderNeedsAllThree() {
        assertThat(LiveCheckoutSettings.smsSender(Map.of("TWILIO_ACCOUNT_SID", "AC1"))).isEmpty();
        assertThat(LiveCheckoutSettings.smsSender(ALL)).isPresent();
    }

    @Test
    void configuredLiveCheckoutCreatesSessions() {
        try (TestServer server = TestServer.start(DatabaseKind.SQLITE, Clock.systemUTC(), ALL)) {
            String planId = server.post(TestServer.LIVE_KEY, "/v1/plans", "{\"name\":\"Pro\","
                    + "\"period_amount\":\"9.00\",\"billing_interval\":\"month\"}").at("/plan_id");
            ApiResponse response = server.post(TestServer.LIVE_KEY, "/v1/checkout_sessions",
                    "{\"checkout_mode\":\"subscription\",\"origin_url\":\"https://shop.example\","
                            + "\"plan_id\":\"" + planId + "\"}");

            assertThat(response.status()).as(response.text()).isEqualTo(201);
            assertThat(response.at("/checkout_session_id")).startsWith("cs_")
                    .doesNotContain("_test_");
        }
    }

    @Test
    void missingPublishableKeyGets503() {
        Map<String, String> env = new HashMap<>(ALL);
        env.remove("STRIPE_PUBLISHABLE_KEY");
        try (TestServer server = TestServer.start(DatabaseKind.SQLITE, Clock.systemUTC(), env)) {
            ApiResponse response = server.post(TestServer.LIVE_KEY, "/v1/checkout_sessions",
                    "{\"checkout_mode\":\"subscription\",\"origin_url\":\"https://shop.example\","
                            + "\"plan_id\":\"pln_x\"}");

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.at("/error/code")).isEqualTo("live_checkout_not_configured");
            assertThat(response.at("/error/message")).contains("STRIPE_PUBLISHABLE_KEY")
                    .doesNotContain("STRIPE_SECRET_KEY").doesNotContain("TWILIO");
        }
    }
}
