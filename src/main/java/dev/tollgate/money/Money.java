package dev.tollgate.money;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An exact amount of US dollars (one credit is one dollar), held as a count of 1e-10 dollar
 * units in a {@code long}. The range is about ±920 million dollars, far above any balance
 * Tollgate accepts. Arithmetic throws {@link ArithmeticException} on overflow and never rounds;
 * the only rounding is {@link #fromExact(BigDecimal)}, which rounds half-even to 10 digits.
 * Equal by value. Immutable and thread-safe.
 */
public record Money(long units) implements Comparable<Money> {
    /** Digits after the decimal point that an amount keeps. */
    public static final int SCALE = 10;

    public static final Money ZERO = new Money(0);

    /** The largest plan fee, credit grant or bundle amount accepted: one million dollars. */
    public static final BigDecimal MAX_PLAN_AMOUNT = new BigDecimal("1000000");

    /**
     * Parses a decimal string with at most {@code maxFractionDigits} (10 at most) fractional
     * digits and a value of at most {@code max} dollars.
     *
     * @throws IllegalArgumentException with a client-safe reason when {@code text} is not valid
     */
    public static Money parse(String text, int maxFractionDigits, BigDecimal max) {
        if (maxFractionDigits > SCALE) {
            throw new IllegalStateException("maxFractionDigits " + maxFractionDigits + " > " + SCALE);
        }
        BigDecimal value = DecimalText.parse(text, maxFractionDigits, max);
        return new Money(value.movePointRight(SCALE).longValueExact());
    }

    /** Returns the amount nearest to {@code exact}, rounded half-even to 10 fractional digits. */
    public static Money fromExact(BigDecimal exact) {
        return new Money(exact.setScale(SCALE, RoundingMode.HALF_EVEN).unscaledValue().longValueExact());
    }

    /**
     * Returns the amount nearest to the exact quotient {@code dividend / divisor}, rounded
     * half-even to 10 fractional digits: the rule of {@link #fromExact(BigDecimal)} for quotients
     * such as 1/60 that have no finite decimal form. The quotient is rounded once, never first to
     * an intermediate precision.
     *
     * @throws ArithmeticException when {@code divisor} is zero or the result overflows
     */
    public static Money fromExactQuotient(BigDecimal dividend, BigDecimal divisor) {
        BigDecimal rounded = dividend.divide(divisor, SCALE, RoundingMode.HALF_EVEN);
        return new Money(rounded.unscaledValue().longValueExact());
    }

    public Money plus(Money other) {
        return new Money(Math.addExact(units, other.units));
    }

    public Money minus(Money other) {
        return new Money(Math.subtractExact(units, other.units));
    }

    public boolean isNegative() {
        return units < 0;
    }

    public boolean isZero() {
        return units == 0;
    }

    public BigDecimal toBigDecimal() {
        return BigDecimal.valueOf(units, SCALE);
    }

    /** Formats with all 10 fractional digits, the form of request-level amounts: "0.0014000000". */
    public String toWire() {
        return toBigDecimal().toPlainString();
    }

    /**
     * Formats with at least 2 and at most 10 fractional digits, the form of plan and bundle
     * amounts: "25.00", "0.125".
     */
    public String toDisplay() {
        BigDecimal stripped = toBigDecimal().stripTrailingZeros();
        return stripped.setScale(Math.max(2, stripped.scale())).toPlainString();
    }

    @Override
    public int compareTo(Money other) {
        return Long.compare(units, other.units);
    }

    @Override
    public String toString() {
        return "USD " + toWire();
    }
}
