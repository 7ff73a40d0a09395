package dev.tollgate.billing;

import dev.tollgate.money.Money;

/**
 * The part of one request's charge that falls in one tier: the {@code units} of the request
 * that lie in {@code tier}, and their {@code cost} rounded half-even to 10 digits for display.
 */
public record TierCharge(Tier tier, long units, Money cost) {
}
