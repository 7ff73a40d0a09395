package dev.tollgate.billing;

import dev.tollgate.money.Money;
import java.util.List;

/**
 * The charge for one request on one meter. {@code amount} is the amount debited: the exact
 * charge over all tiers, rounded once, half-even, to 10 digits. {@code breakdown} lists each
 * tier the request touched, in tier order, with its cost rounded on its own for display. The
 * breakdown costs may therefore add up to an amount that differs from {@code amount} in the
 * 10th digit.
 */
public record Charge(Money amount, RateType rateType, List<TierCharge> breakdown) {
    public Charge {
        breakdown = List.copyOf(breakdown);
    }
}
