package dev.tollgate.checkout;

import dev.tollgate.checkout.CheckoutSessions.OpenedSession;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Environment;
import dev.tollgate.customers.Customer;
import dev.tollgate.customers.Customers;
import dev.tollgate.customers.PhoneNumbers;
import dev.tollgate.money.Money;
import dev.tollgate.subscriptions.CreditBundle;
import dev.tollgate.subscriptions.CreditBundles;
import dev.tollgate.subscriptions.Plan;
import dev.tollgate.subscriptions.Plans;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The steps of the hosted checkout page, addressed by the session's secret: summary, phone
 * number, one-time code, then payment. The secret is the only credential, so an unknown or
 * malformed one gets the same 404. Thread-safe.
 */
public final class EmbeddedCheckout {
    private final Jdbi jdbi;
    private final CheckoutSessions sessions;
    private final PhoneVerifications verifications;
    private final List<String> missingLiveSettings;
    private final Optional<StripeJsSettings> stripeJs;

    /**
     * @param missingLiveSettings the names of unset environment variables that live checkout
     *     needs. While any is missing, live sessions are rejected with 503 naming them.
     * @param stripeJs what live pages need to load Stripe.js, absent when not configured
     */
    public EmbeddedCheckout(Jdbi jdbi, CheckoutSessions sessions,
            PhoneVerifications verifications, List<String> missingLiveSettings,
            Optional<StripeJsSettings> stripeJs) {
        this.jdbi = jdbi;
        this.sessions = sessions;
        this.verifications = verifications;
        this.missingLiveSettings = List.copyOf(missingLiveSettings);
        this.stripeJs = stripeJs;
    }

    /** Returns what live pages need to load Stripe.js, absent when it is not configured. */
    public Optional<StripeJsSettings> stripeJs() {
        return stripeJs;
    }

    /** The page's content: the item, its price, and the phone on file when there is one. */
    public record Summary(OpenedSession opened, String itemName, Money amount,
            Optional<String> billingInterval, Money creditAmount, Optional<String> phoneOnFile) {
        public CheckoutSession session() {
            return opened.session();
        }
    }

    /** The customer found or created by a completed checkout. */
    public record Completed(String checkoutSessionId, String customerId) {
    }

    /** A verified phone number: whether it is a known customer's, and whether a card is needed. */
    public record Verified(boolean returningCustomer, boolean paymentDue) {
    }

    /**
     * Returns the summary of an open session.
     *
     * @throws ApiError 404 for an unknown secret, 409 completed, 410 expired, 503 when live
     *     checkout is not configured
     */
    public Summary open(String secret) {
        OpenedSession opened = find(secret);
        sessions.checkOpen(opened.session());
        checkLiveConfigured(opened.owner());
        return jdbi.withHandle(handle -> summarize(handle, opened));
    }

    /**
     * Sends a one-time code. {@code phoneText} may be absent when the session's customer has a
     * phone on file, because that number is then used. A different number is rejected.
     *
     * @return the earliest time another code may be sent
     * @throws ApiError 400 for an invalid or mismatched number, and as {@link #open} and
     *     {@link PhoneVerifications#send}
     */
    public Instant sendCode(String secret, Optional<String> phoneText) {
        Summary summary = open(secret);
        String phone = choosePhone(summary, phoneText);
        return verifications.send(summary.opened().owner().environment(), summary.session().id(),
                phone);
    }

    private static String choosePhone(Summary summary, Optional<String> phoneText) {
        Optional<String> entered = phoneText.map(EmbeddedCheckout::normalize);
        if (summary.phoneOnFile().isPresent()) {
            String onFile = summary.phoneOnFile().get();
            if (entered.isPresent() && !entered.get().equals(onFile)) {
                throw ApiError.invalid("phone", "The phone number does not match the one on file"
                        + " for this customer. Leave it empty to use the number on file.");
            }
            return onFile;
        }
        return entered.orElseThrow(() -> ApiError.missing("phone"));
    }

    private static String normalize(String text) {
        try {
            return PhoneNumbers.toE164(text);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("phone", "The phone number " + e.getMessage() + ". Enter it"
                    + " in international form, such as +1 202 555 0100.");
        }
    }

    /**
     * Checks a one-time code and returns whether the verified number belongs to an existing
     * customer of the merchant, and whether completing the session charges a card now.
     *
     * @throws ApiError as {@link #open} and {@link PhoneVerifications#verify}
     */
    public Verified verifyCode(String secret, String code) {
        Summary summary = open(secret);
        verifications.verify(summary.session().id(), code);
        String phone = verifications.verifiedPhone(summary.session().id()).orElseThrow();
        boolean returning = summary.session().customerId() != null || jdbi.withHandle(handle ->
                Customers.findByPhone(handle, summary.opened().owner(), phone).isPresent());
        boolean paymentDue = !sessions.amountDue(summary.opened().owner(), summary.session(), phone)
                .isZero();
        return new Verified(returning, paymentDue);
    }

    /**
     * Charges the card and completes the session for the verified phone number. Sandbox takes
     * {@code cardNumber}, live takes {@code paymentMethodId} from Stripe.js. When nothing is due
     * now (a free plan, or a move to a cheaper plan at the end of the cycle), neither is needed,
     * and a value sent anyway is checked but neither charged nor stored.
     *
     * @throws ApiError 400 naming the field for a missing or malformed card or payment method,
     *     409 when the phone is not verified, 402 when the card is declined, and as
     *     {@link #open} and {@link CheckoutSessions#completeVerified}
     */
    public Completed pay(String secret, Optional<String> cardNumber,
            Optional<String> paymentMethodId) {
        Summary summary = open(secret);
        Caller owner = summary.opened().owner();
        String phone = verifications.verifiedPhone(summary.session().id())
                .orElseThrow(() -> ApiError.conflict("phone_not_verified", "phone",
                        "Verify your phone number with the code we sent before paying."));
        boolean paymentDue = !sessions.amountDue(owner, summary.session(), phone).isZero();
        Optional<String> payment = PaymentFields.check(owner.environment(), cardNumber,
                paymentMethodId, paymentDue);
        CheckoutSession completed = sessions.completeVerified(owner, summary.session().id(),
                phone, payment);
        return new Completed(completed.id(), completed.customerId());
    }

    /**
     * Returns the origin ({@code scheme://host[:port]}) of the session's {@code origin_url},
     * whether or not the session is still open. It is empty for an unknown secret.
     */
    public Optional<String> frameOrigin(String secret) {
        if (secret == null || !secret.matches("css_[0-9a-f]{48}")) {
            return Optional.empty();
        }
        return sessions.findBySecret(secret).map(opened -> Origins.of(opened.session().originUrl()));
    }

    private OpenedSession find(String secret) {
        if (secret == null || !secret.matches("css_[0-9a-f]{48}")) {
            throw notFound();
        }
        return sessions.findBySecret(secret).orElseThrow(EmbeddedCheckout::notFound);
    }

    private static ApiError notFound() {
        return ApiError.notFound("No checkout session matches this link. Check that the link is"
                + " complete, or start a new checkout.");
    }

    /**
     * Throws unless checkout can run in the caller's environment.
     *
     * @throws ApiError 503 naming the unset settings when a live caller lacks them
     */
    public void checkLiveConfigured(Caller owner) {
        if (owner.environment() != Environment.LIVE) {
            return;
        }
        if (!missingLiveSettings.isEmpty()) {
            throw ApiError.notConfigured("live_checkout_not_configured", "Live checkout is not"
                    + " configured on this server: set " + String.join(", ", missingLiveSettings)
                    + ".");
        }
    }

    private static Summary summarize(Handle handle, OpenedSession opened) {
        Caller owner = opened.owner();
        CheckoutSession session = opened.session();
        Optional<String> phoneOnFile = Optional.ofNullable(session.customerId())
                .flatMap(id -> Customers.resolve(handle, owner, id))
                .map(Customer::phone);
        if (session.mode().equals("subscription")) {
            Plan plan = Plans.find(handle, owner, session.planId()).orElseThrow(() ->
                    ApiError.gone("plan_deleted", "The plan of this checkout was deleted."));
            return new Summary(opened, plan.name(), plan.periodAmount(),
                    Optional.of(plan.billingInterval().code()),
                    plan.includedCredit(), phoneOnFile);
        }
        CreditBundle bundle = CreditBundles.find(handle, owner, session.creditBundleId())
                .orElseThrow(() -> ApiError.gone("bundle_deleted",
                        "The credit bundle of this checkout was deleted."));
        return new Summary(opened, bundle.name(), bundle.cost(), Optional.empty(),
                bundle.creditAmount(), phoneOnFile);
    }
}
