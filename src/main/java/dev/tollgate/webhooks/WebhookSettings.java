package dev.tollgate.webhooks;

import java.time.Duration;
import java.util.Map;

/**
 * Delivery settings from the environment.
 *
 * @param allowLoopback whether endpoints may be plain {@code http} on a loopback address, from
 *     {@code TOLLGATE_WEBHOOK_ALLOW_LOOPBACK=true}; for local development and tests only
 * @param timeout how long one attempt may take before it counts as failed, from
 *     {@code TOLLGATE_WEBHOOK_TIMEOUT_MS} (default 10 seconds)
 */
public record WebhookSettings(boolean allowLoopback, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final long MAX_TIMEOUT_MS = 60_000;

    /**
     * Reads the settings.
     *
     * @throws IllegalArgumentException naming the variable when a value is invalid
     */
    public static WebhookSettings from(Map<String, String> env) {
        String allow = env.getOrDefault("TOLLGATE_WEBHOOK_ALLOW_LOOPBACK", "false").strip();
        if (!allow.equals("true") && !allow.equals("false")) {
            throw new IllegalArgumentException("TOLLGATE_WEBHOOK_ALLOW_LOOPBACK must be true or"
                    + " false, not '" + allow + "'");
        }
        return new WebhookSettings(allow.equals("true"), timeout(env));
    }

    private static Duration timeout(Map<String, String> env) {
        String text = env.get("TOLLGATE_WEBHOOK_TIMEOUT_MS");
        if (text == null || text.isBlank()) {
            return DEFAULT_TIMEOUT;
        }
        try {
            long millis = Long.parseLong(text.strip());
            if (millis < 1 || millis > MAX_TIMEOUT_MS) {
                throw new NumberFormatException();
            }
            return Duration.ofMillis(millis);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("TOLLGATE_WEBHOOK_TIMEOUT_MS must be a whole number"
                    + " of milliseconds from 1 to " + MAX_TIMEOUT_MS + ", not '" + text + "'");
        }
    }
}
