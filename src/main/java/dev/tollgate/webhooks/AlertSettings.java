package dev.tollgate.webhooks;

import dev.tollgate.core.Caller;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The merchant's threshold for {@code credits.low}: a percentage of the cycle grant, per
 * environment, {@link CreditAlerts#LOW_PERCENT} until the merchant sets one. Thread-safe.
 */
public final class AlertSettings {
    public static final int MIN_PERCENT = 1;
    public static final int MAX_PERCENT = 100;

    private final Jdbi jdbi;

    public AlertSettings(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Returns the caller's low-credit percentage. */
    public int creditsLowPercent(Caller caller) {
        return jdbi.withHandle(handle -> creditsLowPercent(handle, caller));
    }

    /** Sets the caller's low-credit percentage, from {@link #MIN_PERCENT} to {@link #MAX_PERCENT}. */
    public void setCreditsLowPercent(Caller caller, int percent) {
        if (percent < MIN_PERCENT || percent > MAX_PERCENT) {
            throw new IllegalStateException("credits_low_percent " + percent + " outside 1..100");
        }
        jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO credit_alert_settings (merchant_id, environment, credits_low_percent)
                        VALUES (:merchant, :environment, :percent)
                        ON CONFLICT (merchant_id, environment)
                        DO UPDATE SET credits_low_percent = excluded.credits_low_percent""")
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("percent", percent)
                .execute());
    }

    static int creditsLowPercent(Handle handle, Caller caller) {
        return handle.createQuery("SELECT credits_low_percent FROM credit_alert_settings"
                        + " WHERE merchant_id = :merchant AND environment = :environment")
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .mapTo(Integer.class)
                .findOne()
                .orElse(CreditAlerts.LOW_PERCENT);
    }
}
