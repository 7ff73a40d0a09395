package dev.tollgate.customers;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Normalization of phone numbers to E.164 ({@code +12025550100}). Numbers must be written in
 * international form, with a leading {@code +} and the country code, because a customer's
 * country is not known. A number must be valid for its country in libphonenumber's metadata
 * (a known country code, area code and length). The fictional US numbers +1 202 555 0100 to
 * 0199, which tests and docs use, pass this check.
 */
public final class PhoneNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /**
     * Returns {@code text} in E.164 form.
     *
     * @throws IllegalArgumentException with a client-safe reason when it is not a valid number
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
            if (!UTIL.isValidNumber(number)) {
                throw new IllegalArgumentException(
                        "is not a valid number for its country code and area code");
            }
            return UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            throw new IllegalArgumentException("could not be read as a phone number");
        }
    }
}
