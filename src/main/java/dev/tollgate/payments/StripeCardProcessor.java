package dev.tollgate.payments;

import com.stripe.StripeClient;
import com.stripe.exception.CardException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.PaymentIntent;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PaymentIntentCreateParams;
import dev.tollgate.money.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Card payments through Stripe (stripe-java 33.3.0). A customer's card is saved once as a
 * Stripe customer with a default payment method, and every later charge is an off-session,
 * confirmed PaymentIntent on that saved method. Every request to Stripe carries the caller's
 * idempotency key, so a retried charge returns the first outcome. Thread-safe.
 */
public final class StripeCardProcessor implements PaymentProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(StripeCardProcessor.class);
    public static final String DEFAULT_API_BASE = "https://api.stripe.com";
    private static final int MAX_NETWORK_RETRIES = 2;

    private final StripeClient client;

    /** @param apiBase Stripe's API origin, {@link #DEFAULT_API_BASE} outside tests */
    public StripeCardProcessor(String secretKey, String apiBase) {
        this.client = StripeClient.builder()
                .setApiKey(secretKey)
                .setApiBase(apiBase)
                .setMaxNetworkRetries(MAX_NETWORK_RETRIES)
                .build();
    }

    /**
     * Saves a payment method that Stripe.js collected (a {@code pm_...} id) as the default card
     * of a new Stripe customer, and returns the saved reference that {@link #charge} accepts.
     *
     * @throws PaymentProcessorException with {@code cardDeclined} when Stripe refuses the card,
     *     and without it when Stripe rejects the request or cannot be reached
     */
    public String saveCard(String paymentMethodId, String idempotencyKey) {
        CustomerCreateParams params = CustomerCreateParams.builder()
                .setPaymentMethod(paymentMethodId)
                .setInvoiceSettings(CustomerCreateParams.InvoiceSettings.builder()
                        .setDefaultPaymentMethod(paymentMethodId)
                        .build())
                .build();
        try {
            Customer customer = client.v1().customers().create(params, options(idempotencyKey));
            return SavedCard.format(customer.getId(), paymentMethodId);
        } catch (CardException e) {
            String code = declineCode(e);
            throw new PaymentProcessorException(code, true, "The card was declined (" + code
                    + "). Use another card.", e);
        } catch (StripeException e) {
            LOG.warn("Saving a card with Stripe failed requestId={} code={} status={}",
                    e.getRequestId(), e.getCode(), e.getStatusCode());
            throw new PaymentProcessorException("processor_error", false, "Stripe did not save"
                    + " the card (" + e.getCode() + "). Try again later.", e);
        }
    }

    /** Charges a saved card, given as the reference from {@link #saveCard} in {@code cardNumber}. */
    @Override
    public ChargeResult charge(ChargeRequest request) {
        SavedCard card = SavedCard.parse(request.cardNumber());
        PaymentIntentCreateParams params = PaymentIntentCreateParams.builder()
                .setAmount(toCents(request.amount()))
                .setCurrency("usd")
                .setCustomer(card.customerId())
                .setPaymentMethod(card.paymentMethodId())
                .setConfirm(true)
                .setOffSession(true)
                .setDescription(request.description())
                .build();
        try {
            PaymentIntent intent = client.v1().paymentIntents().create(params,
                    options(request.idempotencyKey()));
            if ("succeeded".equals(intent.getStatus())) {
                return ChargeResult.success(null);
            }
            return ChargeResult.failure("authentication_required", "The bank asks the customer to"
                    + " confirm this payment. Ask the customer to pay again in checkout.", null);
        } catch (CardException e) {
            String code = declineCode(e);
            return ChargeResult.failure(code, "The card was declined (" + code + "). Use another"
                    + " card.", null);
        } catch (StripeException e) {
            LOG.warn("Charging with Stripe failed requestId={} code={} status={}",
                    e.getRequestId(), e.getCode(), e.getStatusCode());
            return ChargeResult.failure("processor_error", "The payment could not be processed."
                    + " Try again later.", null);
        }
    }

    /** Returns the most specific reason Stripe gave, such as {@code insufficient_funds}. */
    private static String declineCode(CardException e) {
        if (e.getDeclineCode() != null) {
            return e.getDeclineCode();
        }
        return e.getCode() != null ? e.getCode() : "card_declined";
    }

    /** Converts to whole cents, because Stripe takes USD amounts in cents. */
    static long toCents(Money amount) {
        // NOTE: amounts finer than a cent are rounded half-even; plan and bundle prices are
        // expected in whole cents.
        return amount.toBigDecimal().movePointRight(2).setScale(0, RoundingMode.HALF_EVEN)
                .max(BigDecimal.ZERO).longValueExact();
    }

    private static RequestOptions options(String idempotencyKey) {
        return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
    }

    /** A saved card: the Stripe customer and its payment method, stored as {@code cus_...|pm_...}. */
    record SavedCard(String customerId, String paymentMethodId) {
        static String format(String customerId, String paymentMethodId) {
            return customerId + "|" + paymentMethodId;
        }

        static SavedCard parse(String reference) {
            String[] parts = reference == null ? new String[0] : reference.split("\\|", -1);
            if (parts.length != 2 || !parts[0].startsWith("cus_") || !parts[1].startsWith("pm_")) {
                throw new IllegalArgumentException("Not a saved Stripe card reference; expected"
                        + " cus_...|pm_... from saveCard");
            }
            return new SavedCard(parts[0], parts[1]);
        }
    }
}
