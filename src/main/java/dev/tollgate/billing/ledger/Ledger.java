package dev.tollgate.billing.ledger;

import dev.tollgate.core.Environment;
import dev.tollgate.core.Ids;
import dev.tollgate.money.Money;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.webhooks.Events;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The only writer of ledger entries and cached balances. Every credit movement is an
 * append-only entry; {@code credit_balances} caches the sum of each customer's entries per
 * bucket and is updated in the same transaction. Corrections are new entries, never edits.
 * All methods run inside the caller's transaction. Thread-safe.
 */
public final class Ledger {
    /** How long a hold may stay open before the sweeper releases it. */
    public static final Duration MAX_HOLD_AGE = Duration.ofMinutes(30);

    /**
     * The largest magnitude a balance (cycle, bundle or held) may reach: 250 million dollars.
     * It is a third of the {@code long} range of {@link Money}, so that the sums the ledger's
     * SQL computes, such as {@code cycle_balance + bundle_balance - held} or a balance plus a
     * change of up to twice this limit, never overflow a 64-bit integer. SQLite would otherwise
     * store such a sum as a float, and PostgreSQL would fail the statement.
     */
    public static final Money MAX_BALANCE = new Money(2_500_000_000_000_000_000L);

    /** The largest change one write may make, so that a balance plus it fits in a long. */
    private static final long MAX_CHANGE_UNITS = 2 * MAX_BALANCE.units();

    /** SQLSTATE {@code numeric_value_out_of_range}, which PostgreSQL raises on bigint overflow. */
    private static final String NUMERIC_OUT_OF_RANGE = "22003";

    private final Ids ids;
    private final Clock clock;

    public Ledger(Ids ids, Clock clock) {
        this.ids = ids;
        this.clock = clock;
    }

    /** The owner and subscription an entry belongs to. */
    public record Account(String merchantId, Environment environment, String customerId,
            String subscriptionId) {
    }

    /** Creates the customer's balance row when it does not exist yet. */
    public void open(Handle handle, Account account) {
        if (!exists(handle, account.customerId())) {
            handle.createUpdate("""
                            INSERT INTO credit_balances (customer_id, merchant_id, environment,
                                updated_at) VALUES (:c, :m, :e, :now)""")
                    .bind("c", account.customerId())
                    .bind("m", account.merchantId())
                    .bind("e", account.environment().code())
                    .bind("now", Timestamps.format(clock.instant()))
                    .execute();
        }
    }

    private static boolean exists(Handle handle, String customerId) {
        return handle.createQuery("SELECT COUNT(*) FROM credit_balances WHERE customer_id = :c")
                .bind("c", customerId)
                .mapTo(Integer.class)
                .one() > 0;
    }

    /** Returns the customer's balance, or zeros when it has none yet. */
    public static CreditBalance balance(Handle handle, String customerId) {
        return handle.createQuery("SELECT cycle_balance, bundle_balance, held FROM credit_balances"
                        + " WHERE customer_id = :c")
                .bind("c", customerId)
                .map(Ledger::readBalance)
                .findOne()
                .orElse(CreditBalance.EMPTY);
    }

    private static CreditBalance readBalance(ResultSet rs, StatementContext ctx)
            throws SQLException {
        return new CreditBalance(new Money(rs.getLong("cycle_balance")),
                new Money(rs.getLong("bundle_balance")), new Money(rs.getLong("held")));
    }

    /**
     * Returns the customer's balance and keeps its row locked until the transaction ends, so
     * that an amount decided from it (what expires, which bucket pays a charge) is still right
     * when it is written. Without the lock, on PostgreSQL a concurrent charge or expiry could
     * commit in between and the two would debit the same credit. SQLite write transactions run
     * one at a time anyway.
     */
    public static CreditBalance lockedBalance(Handle handle, String customerId) {
        return handle.createQuery("UPDATE credit_balances SET updated_at = updated_at"
                        + " WHERE customer_id = :c"
                        + " RETURNING cycle_balance, bundle_balance, held")
                .bind("c", customerId)
                .map(Ledger::readBalance)
                .findOne()
                .orElse(CreditBalance.EMPTY);
    }

    /**
     * Appends an entry that changes {@code bucket} by {@code amount} (negative to debit) and
     * updates the cached balance.
     *
     * @throws BalanceLimitException when the balance would leave
     *     [-{@link #MAX_BALANCE}, {@link #MAX_BALANCE}]; nothing is written then
     */
    public void append(Handle handle, Account account, Bucket bucket, EntryKind kind, Money amount,
            String requestId) {
        if (Math.abs(amount.units()) > MAX_CHANGE_UNITS) {
            throw new BalanceLimitException(account.customerId(), bucket, amount);
        }
        Instant now = clock.instant();
        // The balance row almost always exists, so the update goes first and the row is created
        // only when the update found none.
        if (addToBalance(handle, account, bucket, amount, now) == 0) {
            if (exists(handle, account.customerId())) {
                throw new BalanceLimitException(account.customerId(), bucket, amount);
            }
            open(handle, account);
            if (addToBalance(handle, account, bucket, amount, now) == 0) {
                throw new BalanceLimitException(account.customerId(), bucket, amount);
            }
        }
        insertEntry(handle, account, bucket, kind, amount, requestId, now);
        if (bucket != Bucket.HOLD) {
            Events.in(handle).balanceChanged(account.merchantId(), account.environment(),
                    account.customerId());
        }
    }

    /**
     * Adds {@code amount} to the bucket's balance unless the result would leave the allowed
     * range, and returns the number of rows changed: 0 when the row is missing or the result is
     * out of range. The balance is at most {@link #MAX_BALANCE} and the amount at most twice
     * that, so the sum in the condition cannot overflow.
     */
    private static int addToBalance(Handle handle, Account account, Bucket bucket, Money amount,
            Instant now) {
        String column = bucket.column();
        return runBalanceUpdate(account, bucket, amount, () -> handle.createUpdate(
                        "UPDATE credit_balances SET " + column + " = " + column + " + :amount,"
                                + " updated_at = :now WHERE customer_id = :c"
                                + " AND " + column + " + :amount BETWEEN :min AND :max")
                .bind("amount", amount.units())
                .bind("now", Timestamps.format(now))
                .bind("c", account.customerId())
                .bind("min", -MAX_BALANCE.units())
                .bind("max", MAX_BALANCE.units())
                .execute());
    }

    /**
     * Runs a balance update and turns PostgreSQL's bigint overflow into a
     * {@link BalanceLimitException}. The range checks keep the update's sums within a long, so
     * this is a second line of defence for a row that already holds an out-of-range value.
     */
    private static int runBalanceUpdate(Account account, Bucket bucket, Money amount,
            IntSupplier update) {
        try {
            return update.getAsInt();
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof SQLException sql
                    && NUMERIC_OUT_OF_RANGE.equals(sql.getSQLState())) {
                throw new BalanceLimitException(account.customerId(), bucket, amount);
            }
            throw e;
        }
    }

    /**
     * Reserves {@code amount} for a request when the customer's available credit covers it.
     * The check and the reservation are one conditional update, so concurrent requests can
     * never reserve more than the balance.
     *
     * @return whether the hold was taken
     */
    public boolean tryHold(Handle handle, Account account, String requestId, Money amount) {
        if (amount.units() > MAX_BALANCE.units()) {
            // No balance can cover it, and a larger value could overflow the SQL sums.
            return false;
        }
        Instant now = clock.instant();
        if (reserve(handle, account, amount, now) == 0) {
            // Either the credit does not cover it or the customer has no balance row yet; only a
            // missing row is worth a second try.
            if (exists(handle, account.customerId())) {
                return false;
            }
            open(handle, account);
            if (reserve(handle, account, amount, now) == 0) {
                return false;
            }
        }
        handle.createUpdate("""
                        INSERT INTO credit_holds (request_id, customer_id, amount, created_at, expires_at)
                        VALUES (:r, :c, :amount, :now, :expires)""")
                .bind("r", requestId)
                .bind("c", account.customerId())
                .bind("amount", amount.units())
                .bind("now", Timestamps.format(now))
                .bind("expires", Timestamps.format(now.plus(MAX_HOLD_AGE)))
                .execute();
        insertEntry(handle, account, Bucket.HOLD, EntryKind.HOLD, amount, requestId, now);
        return true;
    }

    private static int reserve(Handle handle, Account account, Money amount, Instant now) {
        return runBalanceUpdate(account, Bucket.HOLD, amount, () -> handle.createUpdate("""
                        UPDATE credit_balances SET held = held + :amount, updated_at = :now
                        WHERE customer_id = :c AND cycle_balance + bundle_balance - held >= :amount
                            AND held + :amount <= :max""")
                .bind("amount", amount.units())
                .bind("now", Timestamps.format(now))
                .bind("c", account.customerId())
                .bind("max", MAX_BALANCE.units())
                .execute());
    }

    /** Releases the request's hold, if it still has one. */
    public void release(Handle handle, Account account, String requestId) {
        // Matching the customer too keeps a merchant's own request_id for recorded usage from
        // releasing another customer's hold that happens to share the id.
        Optional<Long> held = handle.createQuery("DELETE FROM credit_holds"
                        + " WHERE request_id = :r AND customer_id = :c RETURNING amount")
                .bind("r", requestId)
                .bind("c", account.customerId())
                .mapTo(Long.class)
                .findOne();
        if (held.isEmpty()) {
            return;
        }
        append(handle, account, Bucket.HOLD, EntryKind.RELEASE, new Money(-held.get()), requestId);
    }

    /**
     * Debits a usage charge: cycle credit first, then bundle credit. What neither covers is
     * debited from cycle credit, which then goes negative, so usage is never free.
     *
     * @throws BalanceLimitException when cycle credit would fall below -{@link #MAX_BALANCE};
     *     nothing is written then
     */
    public void chargeUsage(Handle handle, Account account, String requestId, Money charge) {
        if (charge.isZero()) {
            return;
        }
        CreditBalance balance = lockedBalance(handle, account.customerId());
        Money fromCycle = min(charge, positive(balance.cycle()));
        Money fromBundle = min(charge.minus(fromCycle), positive(balance.bundle()));
        Money overshoot = charge.minus(fromCycle).minus(fromBundle);
        Money cycleDebit = fromCycle.plus(overshoot);
        // Checked before any write so that a rejected charge leaves no bundle debit behind. The
        // cycle balance is within the limit, so adding the limit to it cannot overflow.
        if (cycleDebit.units() > balance.cycle().units() + MAX_BALANCE.units()) {
            throw new BalanceLimitException(account.customerId(), Bucket.CYCLE,
                    zeroMinus(cycleDebit));
        }
        if (!cycleDebit.isZero()) {
            append(handle, account, Bucket.CYCLE, EntryKind.USAGE, zeroMinus(cycleDebit), requestId);
        }
        if (!fromBundle.isZero()) {
            append(handle, account, Bucket.BUNDLE, EntryKind.USAGE, zeroMinus(fromBundle), requestId);
        }
    }

    /**
     * Releases holds older than {@link #MAX_HOLD_AGE}, left by requests of a node that stopped
     * before settling them.
     *
     * @return the number of holds released
     */
    public int releaseExpiredHolds(Handle handle) {
        List<Account> expired = handle.createQuery("""
                        SELECT h.request_id, h.customer_id, b.merchant_id, b.environment
                        FROM credit_holds h JOIN credit_balances b ON b.customer_id = h.customer_id
                        WHERE h.expires_at < :now""")
                .bind("now", Timestamps.format(clock.instant()))
                .map((rs, ctx) -> new Account(rs.getString("merchant_id"),
                        Environment.fromCode(rs.getString("environment")),
                        rs.getString("customer_id"), rs.getString("request_id")))
                .list();
        for (Account hold : expired) {
            // The subscription slot carries the request id here; the release entry names no plan.
            release(handle, new Account(hold.merchantId(), hold.environment(), hold.customerId(),
                    null), hold.subscriptionId());
        }
        return expired.size();
    }

    private void insertEntry(Handle handle, Account account, Bucket bucket, EntryKind kind,
            Money amount, String requestId, Instant now) {
        handle.createUpdate("""
                        INSERT INTO ledger_entries (id, merchant_id, environment, customer_id,
                            subscription_id, bucket, kind, amount, request_id, created_at)
                        VALUES (:id, :m, :e, :c, :s, :bucket, :kind, :amount, :request, :now)""")
                .bind("id", ids.next("led", account.environment()))
                .bind("m", account.merchantId())
                .bind("e", account.environment().code())
                .bind("c", account.customerId())
                .bind("s", account.subscriptionId())
                .bind("bucket", bucket.code())
                .bind("kind", kind.code())
                .bind("amount", amount.units())
                .bind("request", requestId)
                .bind("now", Timestamps.format(now))
                .execute();
    }

    private static Money positive(Money amount) {
        return amount.isNegative() ? Money.ZERO : amount;
    }

    private static Money min(Money a, Money b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Money zeroMinus(Money amount) {
        return Money.ZERO.minus(amount);
    }
}
