package dev.tollgate.subscriptions;

import dev.tollgate.billing.ledger.Bucket;
import dev.tollgate.billing.ledger.EntryKind;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Ids;
import dev.tollgate.money.Money;
import dev.tollgate.payments.PaymentProcessor;
import dev.tollgate.payments.PaymentProcessors;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.webhooks.Events;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic top-ups: when a customer's credit does not cover a request and the subscription
 * has an auto top-up bundle, the bundle is bought with the saved payment method and credited.
 * A failed payment is recorded on the subscription and not retried until the merchant sets the
 * bundle again or the next cycle starts, so a declined card never loops.
 *
 * <p>Purchases for one customer run one at a time, and each first checks again whether it is
 * still needed, so concurrent requests that all found too little credit buy only as many
 * bundles as they need together. Thread-safe.
 */
public final class TopUps {
    private static final Logger LOG = LoggerFactory.getLogger(TopUps.class);

    /**
     * Maximum number of bundles one request buys at admission, when other requests keep taking
     * the new credit.
     */
    static final int MAX_PURCHASES_PER_REQUEST = 3;

    private final Jdbi jdbi;
    private final Clock clock;
    private final Ledger ledger;
    private final Payments payments;
    /**
     * Locks that serialize purchases per customer, striped by customer id.
     * NOTE: they serialize purchases within one node only. Two nodes on one PostgreSQL
     * database may each buy a bundle for the same shortfall.
     */
    private final ReentrantLock[] customerLocks = new ReentrantLock[64];

    public TopUps(Jdbi jdbi, Ids ids, Clock clock, Ledger ledger, PaymentProcessors processors) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ledger = ledger;
        this.payments = new Payments(jdbi, ids, processors);
        for (int i = 0; i < customerLocks.length; i++) {
            customerLocks[i] = new ReentrantLock();
        }
    }

    private ReentrantLock lockFor(String customerId) {
        return customerLocks[Math.floorMod(customerId.hashCode(), customerLocks.length)];
    }

    /**
     * Buys the auto top-up bundle when a charge brought the customer's credit to zero or below,
     * so that the next request finds credit.
     */
    public void afterCharge(Caller caller, String customerId, String requestId) {
        // The balance is read first: it is one row, and only an exhausted balance needs the
        // subscription with its plan.
        if (!isExhausted(customerId)) {
            return;
        }
        Optional<ActiveSubscription> subscription = jdbi.withHandle(handle ->
                Subscriptions.active(handle, caller, customerId));
        if (subscription.isEmpty() || subscription.get().autoTopUpBundleId() == null) {
            return;
        }
        ReentrantLock lock = lockFor(customerId);
        lock.lock();
        try {
            // A purchase for another request may have refilled the credit while this one waited.
            if (!isExhausted(customerId)) {
                return;
            }
            // Admission may already have bought a bundle for this request, under the key that
            // buyAndHold() uses, so this second purchase needs a key of its own.
            buy(caller, subscription.get(), requestId,
                    "topup:" + subscription.get().id() + ":" + requestId + ":after_charge");
        } finally {
            lock.unlock();
        }
    }

    private boolean isExhausted(String customerId) {
        return jdbi.withHandle(handle -> Ledger.balance(handle, customerId))
                .available().compareTo(Money.ZERO) <= 0;
    }

    /**
     * Takes a request's hold, buying the subscription's auto top-up bundle when needed.
     * {@code tryHold} is called first under the customer's purchase lock, so a request that
     * waited for another request's purchase uses that credit instead of buying again. A bundle
     * is bought only while the hold still fails, because requests that hold without the lock
     * may take the new credit first, and at most {@link #MAX_PURCHASES_PER_REQUEST} times.
     *
     * @return whether the hold was taken
     */
    public boolean buyAndHold(Caller caller, ActiveSubscription subscription, String requestId,
            BooleanSupplier tryHold) {
        if (subscription.autoTopUpBundleId() == null || subscription.topUpFailedAt() != null) {
            return false;
        }
        ReentrantLock lock = lockFor(subscription.customerId());
        lock.lock();
        try {
            for (int purchase = 0; purchase < MAX_PURCHASES_PER_REQUEST; purchase++) {
                if (tryHold.getAsBoolean()) {
                    return true;
                }
                // Each purchase of one request has its own idempotency key.
                String key = "topup:" + subscription.id() + ":" + requestId
                        + (purchase == 0 ? "" : ":" + (purchase + 1));
                if (!buy(caller, subscription, requestId, key)) {
                    return false;
                }
            }
            return tryHold.getAsBoolean();
        } finally {
            lock.unlock();
        }
    }

    private boolean topUpStillArmed(ActiveSubscription subscription) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT COUNT(*) FROM subscriptions WHERE id = :id AND status = 'active'
                            AND top_up_failed_at IS NULL AND auto_top_up_bundle_id = :bundle""")
                .bind("id", subscription.id())
                .bind("bundle", subscription.autoTopUpBundleId())
                .mapTo(Integer.class)
                .one()) > 0;
    }

    /**
     * Buys the subscription's auto top-up bundle for the request {@code requestId}, charging
     * the card under idempotency key {@code key}.
     *
     * @return whether credit was added
     */
    private boolean buy(Caller caller, ActiveSubscription subscription, String requestId,
            String key) {
        if (subscription.autoTopUpBundleId() == null || subscription.topUpFailedAt() != null) {
            return false;
        }
        Optional<dev.tollgate.subscriptions.CreditBundle> bundle = subscription.plan().creditBundles()
                .stream()
                .filter(b -> b.id().equals(subscription.autoTopUpBundleId()))
                .findFirst();
        if (bundle.isEmpty()) {
            return false;
        }
        // The subscription was read before this request waited for the customer's lock, and a
        // purchase that failed in between stops top-ups until the merchant re-arms them. So the
        // stored state decides, and a burst of requests makes one declined charge, not one each.
        if (!topUpStillArmed(subscription)) {
            return false;
        }
        PaymentProcessor.ChargeResult result = payments.charge(subscription.customerId(),
                bundle.get().cost(), key, "Top-up " + bundle.get().name());
        return jdbi.inTransaction(handle -> {
            payments.record(handle, caller, subscription.customerId(), "top_up",
                    bundle.get().cost(), result, key, clock.instant());
            if (!result.succeeded()) {
                handle.createUpdate("UPDATE subscriptions SET top_up_failed_at = :now WHERE id = :id")
                        .bind("now", Timestamps.format(clock.instant()))
                        .bind("id", subscription.id())
                        .execute();
                Events.in(handle).subscriptionPaymentFailed(caller, subscription.id(), "top_up",
                        result.failureCode());
                LOG.warn("Auto top-up payment failed subscriptionId={} code={}", subscription.id(),
                        result.failureCode());
                return false;
            }
            ledger.append(handle, Subscriptions.account(caller, subscription.customerId(),
                    subscription.id()), Bucket.BUNDLE, EntryKind.BUNDLE_PURCHASE,
                    bundle.get().creditAmount(), requestId);
            return true;
        });
    }
}
