package dev.tollgate.billing;

import dev.tollgate.money.Money;

/**
 * The cost a provider charges for one request, split into input and output. {@code total} is the
 * exact cost rounded once, half-even, to 10 digits. {@code inputCost} is the exact input cost
 * rounded the same way, and {@code outputCost} is {@code total - inputCost}. The parts therefore
 * always add up to the total, and {@code outputCost} is within 1e-10 of the exact output cost.
 */
public record ProviderCost(Money inputCost, Money outputCost, Money total) {
    public static final ProviderCost ZERO = new ProviderCost(Money.ZERO, Money.ZERO, Money.ZERO);
}
