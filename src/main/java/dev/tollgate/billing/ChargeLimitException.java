package dev.tollgate.billing;

import java.math.BigDecimal;

/** Thrown when one request's exact charge is above {@link Rating#MAX_CHARGE}. */
public final class ChargeLimitException extends RuntimeException {
    private final BigDecimal exactCharge;

    ChargeLimitException(BigDecimal exactCharge) {
        super("charge of " + exactCharge.stripTrailingZeros().toPlainString()
                + " dollars is above the per-request maximum of " + Rating.MAX_CHARGE.toDisplay());
        this.exactCharge = exactCharge;
    }

    /** The charge before rounding, in dollars. */
    public BigDecimal exactCharge() {
        return exactCharge;
    }
}
