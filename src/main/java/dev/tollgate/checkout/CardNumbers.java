package dev.tollgate.checkout;

import dev.tollgate.core.ApiError;

/** Checks of card numbers typed into the checkout page. */
final class CardNumbers {
    private CardNumbers() {
    }

    /**
     * Returns the digits of a card number without the spaces and dashes people type.
     *
     * @throws ApiError 400 unless it has 12 to 19 digits and a valid Luhn check digit
     */
    static String normalize(String text) {
        String digits = text == null ? "" : text.replaceAll("[\\s-]", "");
        if (!digits.matches("[0-9]{12,19}") || !passesLuhn(digits)) {
            throw ApiError.invalid("card_number", "The card number is not valid. Check the"
                    + " digits and try again.");
        }
        return digits;
    }

    private static boolean passesLuhn(String digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int digit = digits.charAt(i) - '0';
            if (doubled) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }
}
