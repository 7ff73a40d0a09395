package dev.tollgate.webhooks;

import dev.tollgate.billing.ledger.CreditBalance;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Environment;
import dev.tollgate.customers.Customer;
import dev.tollgate.customers.Customers;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.subscriptions.Subscriptions;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Turns due pending balance rows into {@code customer.wallet.balance.updated} events carrying
 * the balance read at that moment, and checks the low-credit alerts then. Each row is claimed
 * by deleting it, so with several nodes only the one whose delete succeeds records the event.
 * A change committed after the claim inserts a new row, so the last event of a burst always
 * carries the final balance. Thread-safe.
 */
final class BalanceEvents {
    private static final int MAX_DUE_PER_RUN = 500;

    private final Jdbi jdbi;
    private final Outbox outbox;

    BalanceEvents(Jdbi jdbi, Outbox outbox) {
        this.jdbi = jdbi;
        this.outbox = outbox;
    }

    private record Pending(String customerId, Caller owner, String dueAt) {
    }

    /** Records the events of every due row; returns how many rows were claimed. */
    int flushDue() {
        String now = Timestamps.format(outbox.clock().instant());
        List<Pending> due = jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT customer_id, merchant_id, environment, due_at
                        FROM webhook_balance_pending WHERE due_at <= :now
                        ORDER BY due_at LIMIT :max""")
                .bind("now", now)
                .bind("max", MAX_DUE_PER_RUN)
                .map((rs, ctx) -> new Pending(rs.getString("customer_id"),
                        new Caller(rs.getString("merchant_id"),
                                Environment.fromCode(rs.getString("environment")), null),
                        rs.getString("due_at")))
                .list());
        int claimed = 0;
        for (Pending pending : due) {
            if (jdbi.inTransaction(handle -> claimAndRecord(handle, pending))) {
                claimed++;
            }
        }
        return claimed;
    }

    private boolean claimAndRecord(Handle handle, Pending pending) {
        int deleted = handle.createUpdate("DELETE FROM webhook_balance_pending"
                        + " WHERE customer_id = :customer AND due_at = :due")
                .bind("customer", pending.customerId())
                .bind("due", pending.dueAt())
                .execute();
        if (deleted == 0) {
            return false;
        }
        Optional<Customer> customer = withSubscription(handle, pending);
        if (customer.isEmpty()) {
            return true;
        }
        CreditBalance balance = Ledger.balance(handle, pending.customerId());
        Caller owner = pending.owner();
        outbox.emit(handle, owner.merchantId(), owner.environment(),
                EventType.CUSTOMER_WALLET_BALANCE_UPDATED,
                () -> Payloads.customerWithCredits(customer.get(), balance));
        CreditAlerts.check(handle, outbox, owner, customer.get(), balance);
        return true;
    }

    private static Optional<Customer> withSubscription(Handle handle, Pending pending) {
        return Customers.byIdIncludingDeleted(handle, pending.owner(), pending.customerId())
                .map(c -> new Customer(c.id(), c.referenceId(), c.phone(), c.email(),
                        c.firstName(), c.lastName(), c.metadataJson(),
                        Subscriptions.summaryOf(handle, c.id()), c.createdAt()));
    }
}
