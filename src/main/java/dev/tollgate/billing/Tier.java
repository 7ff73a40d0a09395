package dev.tollgate.billing;

import dev.tollgate.money.Rate;

/**
 * One graduated tier: {@code rate} applies to the units of the customer's running total from
 * {@code start} up to the next tier's start.
 */
public record Tier(long start, Rate rate) {
}
