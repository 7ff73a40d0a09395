package dev.tollgate.checkout;

import dev.tollgate.core.ApiError;
import dev.tollgate.core.Environment;
import java.util.Optional;

/**
 * Checks of the payment step's body. Sandbox takes {@code card_number} (a test card), and live
 * takes {@code payment_method_id}, the {@code pm_...} id that Stripe.js created, because card
 * numbers must never reach Tollgate in live mode.
 */
final class PaymentFields {
    static final String CARD_NUMBER = "card_number";
    static final String PAYMENT_METHOD_ID = "payment_method_id";
    private static final int MAX_PAYMENT_METHOD_ID_LENGTH = 100;

    private PaymentFields() {
    }

    /**
     * Returns the environment's payment value: normalized card digits in sandbox, the payment
     * method id live. It is empty only when nothing is due and none was sent.
     *
     * @throws ApiError 400 naming the field when the value is missing while a payment is due,
     *     malformed, or the other environment's field
     */
    static Optional<String> check(Environment environment, Optional<String> cardNumber,
            Optional<String> paymentMethodId, boolean paymentDue) {
        if (environment == Environment.SANDBOX) {
            if (paymentMethodId.isPresent()) {
                throw ApiError.invalid(PAYMENT_METHOD_ID, "Sandbox checkout takes a test card in"
                        + " card_number; payment_method_id is for live checkout.");
            }
            return required(cardNumber, CARD_NUMBER, paymentDue).map(CardNumbers::normalize);
        }
        if (cardNumber.isPresent()) {
            throw ApiError.invalid(CARD_NUMBER, "Live checkout does not take card_number."
                    + " Collect the card with Stripe.js and send its payment_method_id (pm_...).");
        }
        return required(paymentMethodId, PAYMENT_METHOD_ID, paymentDue)
                .map(PaymentFields::checkPaymentMethodId);
    }

    private static Optional<String> required(Optional<String> value, String field,
            boolean paymentDue) {
        if (value.isEmpty() && paymentDue) {
            throw ApiError.missing(field);
        }
        return value;
    }

    private static String checkPaymentMethodId(String text) {
        String id = text.strip();
        if (id.length() > MAX_PAYMENT_METHOD_ID_LENGTH || !id.matches("pm_[A-Za-z0-9_]+")) {
            throw ApiError.invalid(PAYMENT_METHOD_ID, "payment_method_id must be the id of a"
                    + " Stripe payment method, such as pm_1Nv0dAbC, as returned by"
                    + " stripe.createPaymentMethod.");
        }
        return id;
    }
}
