package dev.tollgate.money;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/** Strict parsing of non-negative decimal strings such as {@code "25.00"} or {@code "0.0014"}. */
final class DecimalText {
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("[0-9]{1,16}(\\.[0-9]{1,32})?");

    private DecimalText() {
    }

    /**
     * Parses {@code text} as a plain non-negative decimal with at most {@code maxFractionDigits}
     * digits after the point and a value of at most {@code max}.
     *
     * @throws IllegalArgumentException with a message fit for the client when the text is not such
     *     a decimal
     */
    static BigDecimal parse(String text, int maxFractionDigits, BigDecimal max) {
        if (!PLAIN_DECIMAL.matcher(text).matches()) {
            throw new IllegalArgumentException("must be a non-negative decimal string such as \"25.00\"");
        }
        BigDecimal value = new BigDecimal(text);
        if (value.scale() > maxFractionDigits) {
            throw new IllegalArgumentException(
                    "has more than " + maxFractionDigits + " fractional digits");
        }
        if (value.compareTo(max) > 0) {
            throw new IllegalArgumentException("is over the maximum of " + max.toPlainString());
        }
        return value;
    }
}
