package dev.tollgate.payments;

/**
 * The sandbox processor: no card network, outcomes chosen by test card numbers.
 * 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined, 4000 0000 0000 9995 fails for
 * insufficient funds. Any other number is rejected as an unknown test card. Thread-safe.
 */
public final class SandboxCardProcessor implements PaymentProcessor {
    public static final String CARD_SUCCEEDS = "4242424242424242";
    public static final String CARD_DECLINED = "4000000000000002";
    public static final String CARD_INSUFFICIENT_FUNDS = "4000000000009995";

    @Override
    public ChargeResult charge(ChargeRequest request) {
        String digits = normalize(request.cardNumber());
        String last4 = digits.length() >= 4 ? digits.substring(digits.length() - 4) : digits;
        return switch (digits) {
            case CARD_SUCCEEDS -> ChargeResult.success(last4);
            case CARD_DECLINED -> ChargeResult.failure("card_declined",
                    "The card was declined. Use another card.", last4);
            case CARD_INSUFFICIENT_FUNDS -> ChargeResult.failure("insufficient_funds",
                    "The card has insufficient funds. Use another card.", last4);
            default -> ChargeResult.failure("unknown_test_card", "Sandbox accepts only the test"
                    + " cards 4242424242424242, 4000000000000002 and 4000000000009995.", last4);
        };
    }

    /** Removes spaces and dashes that people type between digit groups. */
    static String normalize(String cardNumber) {
        return cardNumber == null ? "" : cardNumber.replaceAll("[\\s-]", "");
    }
}
