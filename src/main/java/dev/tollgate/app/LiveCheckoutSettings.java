package dev.tollgate.app;

import dev.tollgate.checkout.Origins;
import dev.tollgate.checkout.SmsSender;
import dev.tollgate.checkout.StripeJsSettings;
import dev.tollgate.checkout.TwilioSmsSender;
import dev.tollgate.payments.StripeCardProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The environment variables live checkout needs: Twilio for one-time codes, and Stripe for card
 * payments (a secret key for the server, a publishable key for Stripe.js on the page).
 * {@code TWILIO_BASE_URL}, {@code STRIPE_API_BASE} and {@code STRIPE_JS_URL} point the clients
 * elsewhere, for tests.
 */
final class LiveCheckoutSettings {
    static final List<String> SMS_SETTINGS =
            List.of("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM");
    static final String STRIPE_KEY_SETTING = "STRIPE_SECRET_KEY";
    static final String STRIPE_PUBLISHABLE_KEY_SETTING = "STRIPE_PUBLISHABLE_KEY";
    static final String STRIPE_API_BASE_SETTING = "STRIPE_API_BASE";
    static final String STRIPE_JS_URL_SETTING = "STRIPE_JS_URL";

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
        for (String name : List.of(STRIPE_KEY_SETTING, STRIPE_PUBLISHABLE_KEY_SETTING)) {
            if (isBlank(env.get(name))) {
                missing.add(name);
            }
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

    /**
     * Returns the Stripe processor when {@code STRIPE_SECRET_KEY} is set. Renewals and top-ups
     * of live customers need only this key, so the publishable key is not required here.
     *
     * @throws IllegalArgumentException naming the variable when a Stripe setting is invalid
     */
    static Optional<StripeCardProcessor> paymentProcessor(Map<String, String> env) {
        if (isBlank(env.get(STRIPE_KEY_SETTING))) {
            return Optional.empty();
        }
        String secretKey = env.get(STRIPE_KEY_SETTING).strip();
        if (!secretKey.startsWith("sk_") && !secretKey.startsWith("rk_")) {
            throw new IllegalArgumentException(STRIPE_KEY_SETTING + " must be a Stripe secret key"
                    + " (sk_live_..., sk_test_...) or restricted key (rk_...).");
        }
        return Optional.of(new StripeCardProcessor(secretKey, apiBase(env)));
    }

    /**
     * Returns what the live checkout page needs for Stripe.js when
     * {@code STRIPE_PUBLISHABLE_KEY} is set.
     *
     * @throws IllegalArgumentException naming the variable when a Stripe setting is invalid
     */
    static Optional<StripeJsSettings> stripeJs(Map<String, String> env) {
        if (isBlank(env.get(STRIPE_PUBLISHABLE_KEY_SETTING))) {
            return Optional.empty();
        }
        String publishableKey = env.get(STRIPE_PUBLISHABLE_KEY_SETTING).strip();
        // The page shows this key to every visitor, so a secret key here would leak.
        if (!publishableKey.matches("pk_[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException(STRIPE_PUBLISHABLE_KEY_SETTING + " must be a Stripe"
                    + " publishable key (pk_live_... or pk_test_...); the checkout page shows it"
                    + " to customers, so never put a secret key there.");
        }
        String scriptUrl = url(env, STRIPE_JS_URL_SETTING, StripeJsSettings.DEFAULT_SCRIPT_URL);
        return Optional.of(StripeJsSettings.of(publishableKey, scriptUrl, apiBase(env)));
    }

    private static String apiBase(Map<String, String> env) {
        // stripe-java appends paths such as /v1/customers to the base as it is.
        return url(env, STRIPE_API_BASE_SETTING, StripeCardProcessor.DEFAULT_API_BASE)
                .replaceAll("/+$", "");
    }

    /** Returns the URL in {@code name}, or {@code fallback} when it is unset. */
    private static String url(Map<String, String> env, String name, String fallback) {
        String value = isBlank(env.get(name)) ? fallback : env.get(name).strip();
        try {
            Origins.of(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be an http(s) URL with a host, such"
                    + " as " + fallback + "; it is '" + value + "'.", e);
        }
        return value;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
