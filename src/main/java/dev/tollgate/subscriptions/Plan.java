package dev.tollgate.subscriptions;

import dev.tollgate.money.Money;
import java.time.Instant;
import java.util.List;

/**
 * A plan: a recurring fee, the credit granted each cycle, rollover rules, the meters its
 * subscribers may use and the credit bundles they may buy. {@code freeDefault} marks the
 * merchant's Free plan that new customers start on.
 */
public record Plan(
        String id,
        String merchantId,
        String name,
        boolean freeDefault,
        Money periodAmount,
        Money includedCredit,
        BillingInterval billingInterval,
        Rollover rollover,
        Rollover bundleRollover,
        String defaultAutoTopUpBundleId,
        List<LinkedMeter> linkedMeters,
        List<CreditBundle> creditBundles,
        Instant createdAt) {

    /** A meter a plan's subscribers may be billed on. */
    public record LinkedMeter(String meterId, String name) {
    }
}
