package dev.tollgate.billing.ledger;

import dev.tollgate.money.Money;

/**
 * Thrown when a ledger write would move a balance outside
 * [-{@link Ledger#MAX_BALANCE}, {@link Ledger#MAX_BALANCE}]. Nothing of the write is stored, and
 * the caller's transaction should roll back.
 */
public final class BalanceLimitException extends RuntimeException {
    private final String customerId;
    private final Bucket bucket;
    private final Money amount;

    BalanceLimitException(String customerId, Bucket bucket, Money amount) {
        super("ledger write of " + amount.toWire() + " to the " + bucket.code()
                + " balance of customer " + customerId + " would leave the balance outside ±"
                + Ledger.MAX_BALANCE.toWire());
        this.customerId = customerId;
        this.bucket = bucket;
        this.amount = amount;
    }

    public String customerId() {
        return customerId;
    }

    public Bucket bucket() {
        return bucket;
    }

    /** The change that was rejected, negative for a debit. */
    public Money amount() {
        return amount;
    }
}
