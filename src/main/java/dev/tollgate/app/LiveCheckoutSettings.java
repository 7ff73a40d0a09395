package dev.tollgate.app;

import dev.tollgate.checkout.SmsSender;
import dev.tollgate.checkout.TwilioSmsSender;
import dev.tollgate.payments.PaymentProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The environment variables live checkout needs: Twilio for one-time codes and Stripe for
 * card payments. {@code TWILIO_BASE_URL} points the SMS client elsewhere, for tests.
 */
final class LiveCheckoutSettings {
    static final List<String> SMS_SETTINGS =
            List.of("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM");
    static final String STRIPE_KEY_SETTING = "STRIPE_SECRET_KEY";

    private LiveCheckoutSettings() {
    }

    /** Returns the names of the settings live checkout needs that are unset or blank. */
    static List<String> missing(Map<String, String> env) {
        List<String> missing = new ArrayList<>();
        for (String name : SMS_SETTINGS) {
            if (isBlank(env.get(name))) {
                missing.add(name);
            }
        }
        if (isBlank(env.get(STRIPE_KEY_SETTING))) {
            missing.add(STRIPE_KEY_SETTING);
        }
        return missing;
    }

    /** Returns the Twilio sender when all three Twilio settings are present. */
    static Optional<SmsSender> smsSender(Map<String, String> env) {
        if (SMS_SETTINGS.stream().anyMatch(name -> isBlank(env.get(name)))) {
            return Optional.empty();
        }
        String base = isBlank(env.get("TWILIO_BASE_URL")) ? TwilioSmsSender.DEFAULT_BASE_URL
                : env.get("TWILIO_BASE_URL").strip();
        return Optional.of(new TwilioSmsSender(base, env.get("TWILIO_ACCOUNT_SID").strip(),
                env.get("TWILIO_AUTH_TOKEN").strip(), env.get("TWILIO_FROM").strip()));
    }

    /** Returns the live card processor when Stripe is configured. */
    static Optional<PaymentProcessor> paymentProcessor(Map<String, String> env) {
        // TODO: return the Stripe processor here once it exists; until then live payments fail
        // with 503 even when STRIPE_SECRET_KEY is set.
        return Optional.empty();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
