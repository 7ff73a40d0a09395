package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.TestServer;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveCheckoutSettingsTest {
    private static final Map<String, String> ALL = Map.of(
            "TWILIO_ACCOUNT_SID", "AC1",
            "TWILIO_AUTH_TOKEN", "token",
            "TWILIO_FROM", "+12025550199",
            "STRIPE_SECRET_KEY", "sk_test_1");

    @Test
    void missingListsUnsetNames() {
        assertThat(LiveCheckoutSettings.missing(Map.of())).containsExactly("TWILIO_ACCOUNT_SID",
                "TWILIO_AUTH_TOKEN", "TWILIO_FROM", "STRIPE_SECRET_KEY");
        assertThat(LiveCheckoutSettings.missing(Map.of("TWILIO_FROM", " ")))
                .contains("TWILIO_FROM");
        assertThat(LiveCheckoutSettings.missing(ALL)).isEmpty();
    }

    @Test
    void smsSenderNeedsAllThree() {
        assertThat(LiveCheckoutSettings.smsSender(Map.of("TWILIO_ACCOUNT_SID", "AC1"))).isEmpty();
        assertThat(LiveCheckoutSettings.smsSender(ALL)).isPresent();
    }

    @Test
    void configuredLiveCheckoutStillUnavailable() {
        try (TestServer server = TestServer.start(DatabaseKind.SQLITE, Clock.systemUTC(), ALL)) {
            ApiResponse response = server.post(TestServer.LIVE_KEY, "/v1/checkout_sessions",
                    "{\"checkout_mode\":\"subscription\",\"origin_url\":\"https://shop.example\","
                            + "\"plan_id\":\"pln_x\"}");

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.at("/error/code")).isEqualTo("live_checkout_unavailable");
            assertThat(response.at("/error/message")).contains("sandbox");
        }
    }
}
