package dev.tollgate.webhooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.checkout.CheckoutSession;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Environment;
import dev.tollgate.customers.Customer;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.subscriptions.Subscriptions;
import java.time.Duration;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.config.JdbiConfig;

/**
 * The entry point features use to record webhook events inside their own transaction:
 * {@code Events.in(handle).customerCreated(caller, customer)}. The outbox is a setting of the
 * {@link Jdbi} instance, so features need no constructor change; on a {@code Jdbi} where
 * {@link #enable} was never called every method does nothing.
 */
public final class Events implements JdbiConfig<Events> {
    /** How long balance changes of one customer are gathered into one event. */
    public static final Duration BALANCE_COALESCE_WINDOW = Duration.ofSeconds(3);

    private Outbox outbox;

    /** Creates the disabled setting; Jdbi calls this for every new configuration registry. */
    public Events() {
    }

    private Events(Events other) {
        this.outbox = other.outbox;
    }

    @Override
    public Events createCopy() {
        return new Events(this);
    }

    /** Makes every handle that {@code jdbi} opens from now on record events to {@code outbox}. */
    static void enable(Jdbi jdbi, Outbox outbox) {
        jdbi.getConfig(Events.class).outbox = outbox;
    }

    /** Returns the recorder for the transaction of {@code handle}. */
    public static Recorder in(Handle handle) {
        return new Recorder(handle, handle.getConfig(Events.class).outbox);
    }

    /** Records events in one transaction. Not thread-safe, like the handle it wraps. */
    public static final class Recorder {
        private final Handle handle;
        private final Outbox outbox;

        private Recorder(Handle handle, Outbox outbox) {
            this.handle = handle;
            this.outbox = outbox;
        }

        public void customerCreated(Caller caller, Customer customer) {
            emit(caller, EventType.CUSTOMER_CREATED, () -> Payloads.customer(customer));
        }

        /** Records {@code customer.deleted} with the customer as it was before the delete. */
        public void customerDeleted(Caller caller, Customer customer) {
            emit(caller, EventType.CUSTOMER_DELETED, () -> Payloads.customer(customer));
        }

        /**
         * Notes that a customer's credit changed. At most one balance event per customer is
         * pending at a time; it is sent {@link #BALANCE_COALESCE_WINDOW} after the first change
         * and carries the balance of that moment.
         */
        public void balanceChanged(String merchantId, Environment environment, String customerId) {
            if (outbox == null) {
                return;
            }
            handle.createUpdate("""
                            INSERT INTO webhook_balance_pending (customer_id, merchant_id,
                                environment, due_at)
                            VALUES (:customer, :merchant, :environment, :due)
                            ON CONFLICT (customer_id) DO NOTHING""")
                    .bind("customer", customerId)
                    .bind("merchant", merchantId)
                    .bind("environment", environment.code())
                    .bind("due", Timestamps.format(
                            outbox.clock().instant().plus(BALANCE_COALESCE_WINDOW)))
                    .execute();
        }

        public void checkoutCompleted(Caller caller, CheckoutSession session) {
            emit(caller, EventType.CHECKOUT_COMPLETED, () -> Payloads.checkoutSession(session));
        }

        public void subscriptionCreated(Caller caller, String subscriptionId) {
            subscription(caller, EventType.SUBSCRIPTION_CREATED, subscriptionId);
        }

        public void subscriptionRenewed(Caller caller, String subscriptionId) {
            subscription(caller, EventType.SUBSCRIPTION_RENEWED, subscriptionId);
        }

        /** Records a change of a pending cancellation or downgrade, or of the top-up bundle. */
        public void subscriptionUpdated(Caller caller, String subscriptionId) {
            subscription(caller, EventType.SUBSCRIPTION_UPDATED, subscriptionId);
        }

        public void subscriptionCancelled(Caller caller, String subscriptionId) {
            subscription(caller, EventType.SUBSCRIPTION_CANCELLED, subscriptionId);
        }

        /**
         * Records a declined charge for a subscription: {@code purpose} is {@code renewal} or
         * {@code top_up}, {@code failureCode} the processor's code.
         */
        public void subscriptionPaymentFailed(Caller caller, String subscriptionId, String purpose,
                String failureCode) {
            emit(caller, EventType.SUBSCRIPTION_PAYMENT_FAILED, () -> {
                var data = Payloads.subscription(
                        Subscriptions.byId(handle, caller, subscriptionId).orElseThrow());
                data.put("payment_purpose", purpose);
                data.put("failure_code", failureCode);
                return data;
            });
        }

        private void subscription(Caller caller, EventType type, String subscriptionId) {
            emit(caller, type, () -> Payloads.subscription(
                    Subscriptions.byId(handle, caller, subscriptionId).orElseThrow()));
        }

        private void emit(Caller caller, EventType type, Supplier<ObjectNode> data) {
            if (outbox != null) {
                outbox.emit(handle, caller.merchantId(), caller.environment(), type, data);
            }
        }
    }
}
