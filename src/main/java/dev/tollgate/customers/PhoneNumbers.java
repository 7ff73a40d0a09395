package dev.tollgate.customers;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Normalization of phone numbers to E.164 ({@code +12025550100}). Numbers must be written in
 * international form, with a leading {@code +} and the country code, because a customer's
 * country is not known. The check is for a possible number (right length for the country), so
 * reserved test numbers such as +1 202 555 0100 are accepted.
 */
public final class PhoneNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /**
     * Returns {@code text} in E.164 form.
     *
     * @throws IllegalArgumentException with a client-safe reason when it is not a possible number
     */
    public static String toE164(String text) {
        if (!text.strip().startsWith("+")) {
            throw new IllegalArgumentException("must start with + and the country code");
        }
        try {
            PhoneNumber number = UTIL.parse(text, "ZZ");
            if (!UTIL.isPossibleNumber(number)) {
                throw new IllegalArgumentException("has the wrong number of digits for its country");
            }
            return UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            throw new IllegalArgumentException("is not a phone number");
        }
    }
}
