package dev.tollgate.payments;

import dev.tollgate.money.Money;

/**
 * Takes card payments for checkout, renewals and top-ups. Implementations must be idempotent
 * on {@link ChargeRequest#idempotencyKey()}: a repeated key returns the first outcome.
 */
public interface PaymentProcessor {

    /** A charge of {@code amount} to the card or saved payment method. */
    record ChargeRequest(String idempotencyKey, String cardNumber, Money amount, String description) {
    }

    /** The outcome: succeeded, or failed with a stable code and a message for the customer. */
    record ChargeResult(boolean succeeded, String failureCode, String message, String cardLast4) {
        public static ChargeResult success(String last4) {
            return new ChargeResult(true, null, null, last4);
        }

        public static ChargeResult failure(String code, String message, String last4) {
            return new ChargeResult(false, code, message, last4);
        }
    }

    ChargeResult charge(ChargeRequest request);
}
