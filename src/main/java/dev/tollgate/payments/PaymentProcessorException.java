package dev.tollgate.payments;

/**
 * A card processor request that failed without a charge outcome, such as saving a card. When
 * {@link #cardDeclined()} is true the card itself was refused, so another card may succeed;
 * otherwise the processor rejected the request or could not be reached.
 */
public final class PaymentProcessorException extends RuntimeException {
    private final String failureCode;
    private final boolean cardDeclined;

    /** @param failureCode the processor's stable code, such as {@code card_declined} */
    public PaymentProcessorException(String failureCode, boolean cardDeclined, String message,
            Throwable cause) {
        super(message, cause);
        this.failureCode = failureCode;
        this.cardDeclined = cardDeclined;
    }

    public String failureCode() {
        return failureCode;
    }

    public boolean cardDeclined() {
        return cardDeclined;
    }
}
