package dev.tollgate.billing.ledger;

import dev.tollgate.money.Money;

/**
 * A customer's credit: what is left of the cycle grant, of bought bundles, and how much of the
 * two is reserved by requests in flight. Cycle credit may be negative after a request cost more
 * than its hold.
 */
public record CreditBalance(Money cycle, Money bundle, Money held) {
    public static final CreditBalance EMPTY = new CreditBalance(Money.ZERO, Money.ZERO, Money.ZERO);

    /** Cycle plus bundle credit. */
    public Money total() {
        return cycle.plus(bundle);
    }

    /** Credit that a new request may reserve: the total less what is held. */
    public Money available() {
        return total().minus(held);
    }
}
