package dev.tollgate.checkout;

/** A text message that the SMS provider did not accept. The message holds no phone number. */
public final class SmsDeliveryException extends RuntimeException {
    public SmsDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
