package dev.tollgate.money;

import java.math.BigDecimal;

/**
 * A price per quantity of usage. A meter tier's rate is dollars per million tokens or
 * characters, per minute or per request for fixed meters, or a percent of the provider cost
 * for percentage meters. A model price is dollars per million tokens, per million characters
 * or per minute. Held exactly as 1e-10 units in a {@code long}, like {@link Money}. Immutable.
 */
public record Rate(long units) {
    /** The largest rate accepted: one million dollars per unit, or a million percent. */
    public static final BigDecimal MAX = new BigDecimal("1000000");

    /**
     * Parses a non-negative decimal string with at most 10 fractional digits.
     *
     * @throws IllegalArgumentException with a client-safe reason when {@code text} is not valid
     */
    public static Rate parse(String text) {
        BigDecimal value = DecimalText.parse(text, Money.SCALE, MAX);
        return new Rate(value.movePointRight(Money.SCALE).longValueExact());
    }

    public BigDecimal toBigDecimal() {
        return BigDecimal.valueOf(units, Money.SCALE);
    }

    /** Formats without trailing zeros: "2", "0.15". */
    public String toWire() {
        return toBigDecimal().stripTrailingZeros().toPlainString();
    }
}
