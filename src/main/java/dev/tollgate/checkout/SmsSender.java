package dev.tollgate.checkout;

/** Sends text messages; used for one-time checkout codes in live mode. */
public interface SmsSender {

    /**
     * Sends {@code text} to a number in E.164 form.
     *
     * @throws SmsDeliveryException when the provider rejects the message or cannot be reached
     */
    void send(String toE164, String text);
}
