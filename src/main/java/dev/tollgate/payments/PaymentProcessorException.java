package dev.tollgate.payments;

/** A card processor request that failed for a reason other than a declined card. */
public final class PaymentProcessorException extends RuntimeException {
    public PaymentProcessorException(String message, Throwable cause) {
        super(message, cause);
    }
}
