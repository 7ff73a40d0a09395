package dev.tollgate.webhooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.ledger.CreditBalance;
import dev.tollgate.core.Caller;
import dev.tollgate.customers.Customer;
import dev.tollgate.money.Money;
import dev.tollgate.subscriptions.ActiveSubscription;
import dev.tollgate.subscriptions.Subscriptions;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * {@code credits.low} and {@code credits.depleted}. Low is sent once when the customer's total
 * credit (cycle plus bundle) falls below the merchant's percentage of the plan's included credit
 * ({@link #LOW_PERCENT} unless set through {@code /v1/webhook_settings}), and again only after it has risen back to that level. Depleted is sent once when the
 * total reaches zero or less, and again only after it has been above zero. A plan without
 * included credit has no low threshold.
 */
final class CreditAlerts {
    /** The default low-credit threshold as a percentage of the cycle grant. */
    static final int LOW_PERCENT = 10;

    private CreditAlerts() {
    }

    static void check(Handle handle, Outbox outbox, Caller owner, Customer customer,
            CreditBalance balance) {
        Optional<ActiveSubscription> subscription = Subscriptions.active(handle, owner,
                customer.id());
        int percent = AlertSettings.creditsLowPercent(handle, owner);
        Money threshold = subscription
                .map(s -> lowThreshold(s.plan().includedCredit(), percent))
                .orElse(Money.ZERO);
        Money total = balance.total();
        boolean low = threshold.compareTo(Money.ZERO) > 0 && total.compareTo(threshold) < 0;
        boolean depleted = total.compareTo(Money.ZERO) <= 0;
        handle.createUpdate("INSERT INTO webhook_credit_alerts (customer_id) VALUES (:c)"
                        + " ON CONFLICT (customer_id) DO NOTHING")
                .bind("c", customer.id())
                .execute();
        boolean lowSent = flag(handle, customer.id(), "low_sent");
        boolean depletedSent = flag(handle, customer.id(), "depleted_sent");
        if (low && !lowSent) {
            outbox.emit(handle, owner.merchantId(), owner.environment(), EventType.CREDITS_LOW,
                    () -> data(customer, subscription, threshold, balance));
        }
        if (depleted && !depletedSent) {
            outbox.emit(handle, owner.merchantId(), owner.environment(),
                    EventType.CREDITS_DEPLETED,
                    () -> data(customer, subscription, threshold, balance));
        }
        handle.createUpdate("UPDATE webhook_credit_alerts SET low_sent = :low,"
                        + " depleted_sent = :depleted WHERE customer_id = :c")
                .bind("low", low ? 1 : 0)
                .bind("depleted", depleted ? 1 : 0)
                .bind("c", customer.id())
                .execute();
    }

    private static Money lowThreshold(Money includedCredit, int percent) {
        return new Money(Math.multiplyExact(includedCredit.units(), percent) / 100);
    }

    private static boolean flag(Handle handle, String customerId, String column) {
        return handle.createQuery("SELECT " + column + " FROM webhook_credit_alerts"
                        + " WHERE customer_id = :c")
                .bind("c", customerId)
                .mapTo(Integer.class)
                .one() == 1;
    }

    private static ObjectNode data(Customer customer, Optional<ActiveSubscription> subscription,
            Money threshold, CreditBalance balance) {
        ObjectNode node = Payloads.JSON.createObjectNode();
        node.put("customer_id", customer.id());
        node.put("subscription_id", subscription.map(ActiveSubscription::id).orElse(null));
        node.put("threshold", threshold.toWire());
        node.put("total_remaining", balance.total().toWire());
        node.put("cycle_remaining", balance.cycle().toWire());
        node.put("bundle_remaining", balance.bundle().toWire());
        return node;
    }
}
