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

    /**
     * @param missingLiveSettings the names of unset environment variables that live checkout
     *     needs. While any is missing, live sessions are rejected with 503 naming them.
     */
    public EmbeddedCheckout(Jdbi jdbi, CheckoutSessions sessions,
            PhoneVerifications verifications, List<String> missingLiveSettings) {
        this.jdbi = jdbi;
        this.sessions = sessions;
        this.verifications = verifications;
        this.missingLiveSettings = List.copyOf(missingLiveSettings);
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
     * customer of the merchant.
     *
     * @throws ApiError as {@link #open} and {@link PhoneVerifications#verify}
     */
    public boolean verifyCode(String secret, String code) {
        Summary summary = open(secret);
        verifications.verify(summary.session().id(), code);
        String phone = verifications.verifiedPhone(summary.session().id()).orElseThrow();
        return summary.session().customerId() != null || jdbi.withHandle(handle ->
                Customers.findByPhone(handle, summary.opened().owner(), phone).isPresent());
    }

    /**
     * Charges the card and completes the session for the verified phone number.
     *
     * @throws ApiError 400 for a malformed card number, 409 when the phone is not verified,
     *     402 when the card is declined, and as {@link #open}
     */
    public Completed pay(String secret, String cardNumber) {
        Summary summary = open(secret);
        String card = CardNumbers.normalize(cardNumber);
        String phone = verifications.verifiedPhone(summary.session().id())
                .orElseThrow(() -> ApiError.conflict("phone_not_verified", "phone",
                        "Verify your phone number with the code we sent before paying."));
        CheckoutSession completed = sessions.completeVerified(summary.opened().owner(),
                summary.session().id(), phone, card);
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
        // TODO: collect live cards with Stripe.js on the page and save them with
        // StripeCardProcessor.saveCard. The page's own card field takes sandbox test cards only.
        throw ApiError.notConfigured("live_checkout_unavailable", "Live checkout is not available"
                + " in this version: the page takes card numbers only in sandbox. Use a sandbox"
                + " key (aks_test_...).");
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
