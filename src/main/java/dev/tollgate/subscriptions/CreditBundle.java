package dev.tollgate.subscriptions;

import dev.tollgate.money.Money;
import java.time.Instant;

/** An add-on a subscriber can buy: {@code creditAmount} of credit for {@code cost} dollars. */
public record CreditBundle(String id, String planId, String name, Money cost, Money creditAmount,
        Instant createdAt) {
}
