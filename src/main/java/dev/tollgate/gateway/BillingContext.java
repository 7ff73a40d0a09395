package dev.tollgate.gateway;

import dev.tollgate.billing.Meter;
import dev.tollgate.core.Caller;
import dev.tollgate.money.Money;
import dev.tollgate.subscriptions.ActiveSubscription;
import java.util.Optional;

/**
 * What admission decided for one gateway request: who pays, on which meter, and the credit held
 * for it. {@code debits} is true only in customer billing with billing enabled.
 */
public record BillingContext(
        Caller caller,
        String requestId,
        ForwardToken.Mode mode,
        Optional<String> customerId,
        Optional<ActiveSubscription> subscription,
        Optional<Meter> meter,
        boolean debits,
        Money hold) {

    /** The start of the customer's current cycle, which keys the meter's running total. */
    public Optional<String> cycleKey() {
        return subscription.map(s -> dev.tollgate.storage.Timestamps.format(s.cycleStart()));
    }
}
