package dev.tollgate.checkout;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.billing.ledger.Bucket;
import dev.tollgate.billing.ledger.EntryKind;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Environment;
import dev.tollgate.core.Ids;
import dev.tollgate.customers.Customer;
import dev.tollgate.customers.Customers;
import dev.tollgate.money.Money;
import dev.tollgate.payments.PaymentProcessor;
import dev.tollgate.payments.PaymentProcessorException;
import dev.tollgate.payments.PaymentProcessors;
import dev.tollgate.payments.StripeCardProcessor;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.subscriptions.ActiveSubscription;
import dev.tollgate.subscriptions.CreditBundle;
import dev.tollgate.subscriptions.CreditBundles;
import dev.tollgate.subscriptions.Plan;
import dev.tollgate.subscriptions.Plans;
import dev.tollgate.subscriptions.Subscriptions;
import dev.tollgate.webhooks.Events;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Checkout sessions: creation by the merchant's backend, and completion, which finds or creates
 * the customer, takes the payment, then starts the subscription or adds the bundle credit in one
 * transaction. A session expires {@link #LIFETIME} after creation and completes at most once.
 * Sandbox sessions charge sandbox test cards; live sessions save the card with Stripe and charge
 * the saved card, which later renewals and top-ups charge again. Thread-safe.
 */
public final class CheckoutSessions {
    public static final Duration LIFETIME = Duration.ofMinutes(60);
    /** The secret key id of a caller acting through the checkout page, which uses no key. */
    public static final String CHECKOUT_PAGE_KEY_ID = "checkout_page";
    /** The failure code of a processor request that failed for a reason other than the card. */
    private static final String PROCESSOR_ERROR = "processor_error";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, checkout_mode, origin_url, plan_id, customer_id,"
            + " credit_bundle_id, created_at, expires_at, completed_at";

    private final Jdbi jdbi;
    private final Ids ids;
    private final Clock clock;
    private final Customers customers;
    private final Subscriptions subscriptions;
    private final Ledger ledger;
    private final PaymentProcessors processors;
    private final PaymentClaims claims;

    public CheckoutSessions(Jdbi jdbi, Ids ids, Clock clock, Customers customers,
            Subscriptions subscriptions, Ledger ledger, PaymentProcessors processors) {
        this.jdbi = jdbi;
        this.ids = ids;
        this.clock = clock;
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.ledger = ledger;
        this.processors = processors;
        this.claims = new PaymentClaims(jdbi, clock);
    }

    /** A session found by its secret, with the merchant and environment that own it. */
    public record OpenedSession(Caller owner, CheckoutSession session) {
    }

    /** Returns the session whose secret is {@code secret}; the secret is compared by hash. */
    public Optional<OpenedSession> findBySecret(String secret) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT merchant_id, environment, "
                        + COLUMNS + " FROM checkout_sessions WHERE secret_hash = :hash")
                .bind("hash", hash(secret))
                .map((rs, ctx) -> new OpenedSession(new Caller(rs.getString("merchant_id"),
                        Environment.fromCode(rs.getString("environment")), CHECKOUT_PAGE_KEY_ID),
                        read(rs)))
                .findOne());
    }

    /** A session to create; {@code mode} is {@code subscription} or {@code credit_bundle}. */
    public record NewSession(String mode, String originUrl, Optional<String> planId,
            Optional<String> customerId, Optional<String> creditBundleId) {
    }

    /**
     * Creates a session and returns it with its token: base64 of
     * {@code {"secret": "css_...", "base": publicBaseUrl}}.
     *
     * @throws ApiError 400 when a field the mode needs is missing or names an unknown object
     */
    public CheckoutSession create(Caller caller, NewSession request, String publicBaseUrl) {
        return jdbi.inTransaction(handle -> {
            Optional<String> customerId = checkReferences(handle, caller, request);
            Instant now = clock.instant();
            String secret = "css_" + randomToken();
            CheckoutSession session = new CheckoutSession(ids.next("cs", caller.environment()),
                    request.mode(), request.originUrl(), request.planId().orElse(null),
                    customerId.orElse(null), request.creditBundleId().orElse(null), now,
                    now.plus(LIFETIME), null, token(secret, publicBaseUrl));
            handle.createUpdate("""
                            INSERT INTO checkout_sessions (id, merchant_id, environment, secret_hash,
                                checkout_mode, origin_url, plan_id, customer_id, credit_bundle_id,
                                created_at, expires_at)
                            VALUES (:id, :merchant, :environment, :secretHash, :mode, :origin, :plan,
                                :customer, :bundle, :created, :expires)""")
                    .bind("id", session.id())
                    .bind("merchant", caller.merchantId())
                    .bind("environment", caller.environment().code())
                    .bind("secretHash", hash(secret))
                    .bind("mode", session.mode())
                    .bind("origin", session.originUrl())
                    .bind("plan", session.planId())
                    .bind("customer", session.customerId())
                    .bind("bundle", session.creditBundleId())
                    .bind("created", Timestamps.format(now))
                    .bind("expires", Timestamps.format(session.expiresAt()))
                    .execute();
            return session;
        });
    }

    private static Optional<String> checkReferences(Handle handle, Caller caller, NewSession request) {
        Optional<String> customerId = request.customerId().map(id -> Customers.resolve(handle, caller, id)
                .orElseThrow(() -> ApiError.unknownReference("customer_id", "No customer with id '"
                        + id + "'."))
                .id());
        if (request.mode().equals("subscription")) {
            String planId = request.planId().orElseThrow(() -> ApiError.missing("plan_id"));
            Plans.find(handle, caller, planId).orElseThrow(() -> ApiError.unknownReference(
                    "plan_id", "No plan with id '" + planId + "'. List plans with GET /v1/plans."));
        } else {
            if (customerId.isEmpty()) {
                throw ApiError.missing("customer_id");
            }
            String bundleId = request.creditBundleId()
                    .orElseThrow(() -> ApiError.missing("credit_bundle_id"));
            CreditBundles.find(handle, caller, bundleId).orElseThrow(() -> ApiError.unknownReference(
                    "credit_bundle_id", "No credit bundle with id '" + bundleId + "'."));
        }
        return customerId;
    }

    /**
     * Completes a sandbox session as the checkout page does: customer found by phone or created,
     * the sandbox card charged, then the subscription started or the bundle credited.
     *
     * @throws ApiError 404 unknown session, 410 expired, 409 already completed, 402 card
     *     declined, 403 with a live key
     */
    public CheckoutSession completeForTest(Caller caller, String sessionId, String phone,
            Optional<String> cardNumber) {
        if (caller.environment() != Environment.SANDBOX) {
            throw ApiError.forbidden("sandbox_only", "Test helpers work only with sandbox keys"
                    + " (aks_test_...).");
        }
        return completeVerified(caller, sessionId, phone, cardNumber);
    }

    /**
     * Completes a session for a customer whose phone number the checkout page verified.
     * {@code payment} is a card number in sandbox, and live the id of a Stripe payment method
     * ({@code pm_...}) that Stripe.js created in the browser. When nothing is due now (see
     * {@link #amountDue}), no card is charged or stored and {@code payment} may be empty.
     * Otherwise the attempt takes the session's payment claim before any processor request, so
     * that concurrent attempts on any node charge at most one card.
     *
     * @throws ApiError as {@link #completeForTest}, 400 when a payment is due and
     *     {@code payment} is empty, 409 {@code payment_in_progress} while another attempt is
     *     charging, 502 when Stripe fails, and 503 when live payments are not configured
     */
    public CheckoutSession completeVerified(Caller caller, String sessionId, String phone,
            Optional<String> payment) {
        CheckoutSession session = jdbi.withHandle(handle -> find(handle, caller, sessionId))
                .orElseThrow(() -> ApiError.notFound("checkout session", sessionId));
        checkOpen(session);
        Money amount = amountDue(caller, session, phone);
        if (amount.isZero()) {
            return complete(caller, session, phone, amount, null, null);
        }
        if (caller.environment() == Environment.SANDBOX) {
            String cardNumber = payment.orElseThrow(() -> ApiError.missing("card_number"))
                    .replaceAll("[\\s-]", "");
            PaymentClaims.Claim claim = claims.take(session.id(), cardNumber);
            return chargeAndComplete(caller, session, phone, amount, processors.sandbox(),
                    cardNumber, claim);
        }
        String paymentMethodId = payment.orElseThrow(() -> ApiError.missing("payment_method_id"));
        StripeCardProcessor stripe = processors.live().orElseThrow(() -> ApiError.notConfigured(
                "payments_not_configured", "Live checkout cannot take payments: set"
                        + " STRIPE_SECRET_KEY on the server."));
        PaymentClaims.Claim claim = claims.take(session.id(), paymentMethodId);
        String savedCard = saveCard(caller, session, amount, stripe, paymentMethodId, claim);
        return chargeAndComplete(caller, session, phone, amount, stripe, savedCard, claim);
    }

    /**
     * Returns what completing the session charges now: zero for a free plan, and for a move to
     * a cheaper plan, which takes effect and is paid at the end of the current cycle.
     */
    public Money amountDue(Caller caller, CheckoutSession session, String phone) {
        return jdbi.withHandle(handle -> isDowngrade(handle, caller, session, phone)
                ? Money.ZERO : amountOf(handle, caller, session));
    }

    /** Saves a live card as a Stripe customer and returns its {@code cus_...|pm_...} reference. */
    private String saveCard(Caller caller, CheckoutSession session, Money amount,
            StripeCardProcessor stripe, String paymentMethodId, PaymentClaims.Claim claim) {
        try {
            // A retry with the same payment method reuses the Stripe customer of the first try.
            // TODO: attach the card to a returning customer's Stripe customer instead of
            // creating a new Stripe customer for every card.
            return stripe.saveCard(paymentMethodId, saveIdempotencyKey(session.id(),
                    paymentMethodId));
        } catch (PaymentProcessorException e) {
            // Saving a card charges nothing, so another attempt may run.
            claims.release(claim);
            if (!e.cardDeclined()) {
                throw ApiError.upstream(502, PROCESSOR_ERROR, "The payment could not be"
                        + " processed because the card processor failed. Try again later.");
            }
            PaymentProcessor.ChargeResult declined = PaymentProcessor.ChargeResult.failure(
                    e.failureCode(), e.getMessage(), null);
            recordFailedPayment(caller, session, amount, declined);
            throw ApiError.paymentRequired(declined.failureCode(), declined.message());
        }
    }

    /**
     * Charges {@code paymentMethod} (sandbox card digits, or a saved Stripe card) and completes
     * the session, storing the method for later renewals and top-ups. A failed charge releases
     * {@code claim}. A successful one keeps it, also when completing then fails, so that no
     * other card is charged for the session.
     */
    private CheckoutSession chargeAndComplete(Caller caller, CheckoutSession session, String phone,
            Money amount, PaymentProcessor processor, String paymentMethod,
            PaymentClaims.Claim claim) {
        PaymentProcessor.ChargeResult result = processor.charge(new PaymentProcessor.ChargeRequest(
                chargeIdempotencyKey(session.id(), paymentMethod), paymentMethod, amount,
                "Checkout " + session.id()));
        if (!result.succeeded()) {
            // TODO: a processor error can hide a charge that went through, such as a timeout
            // after Stripe accepted it. Releasing the claim then lets another card be charged.
            claims.release(claim);
            recordFailedPayment(caller, session, amount, result);
            if (PROCESSOR_ERROR.equals(result.failureCode())) {
                // The card is not at fault, so the page keeps it and the customer may retry.
                throw ApiError.upstream(502, PROCESSOR_ERROR, result.message());
            }
            throw ApiError.paymentRequired(result.failureCode(), customerMessage(result));
        }
        return complete(caller, session, phone, amount, result.cardLast4(), paymentMethod);
    }

    /** Returns the Stripe idempotency key that saves a live checkout's payment method. */
    static String saveIdempotencyKey(String sessionId, String paymentMethodId) {
        return sessionId + ":save:" + paymentMethodId;
    }

    /**
     * Returns the processor idempotency key of a checkout charge: one key per session and card,
     * so a retry with the same card returns the first outcome, and another card after a decline
     * is a new charge.
     */
    static String chargeIdempotencyKey(String sessionId, String paymentMethod) {
        return sessionId + ":" + hash(paymentMethod).substring(0, 16);
    }

    private static String customerMessage(PaymentProcessor.ChargeResult result) {
        if ("authentication_required".equals(result.failureCode())) {
            // TODO: confirm the PaymentIntent on the page with Stripe.js (3-D Secure) instead of
            // asking for another card.
            return "Your bank asks to confirm this payment, which this checkout cannot do yet."
                    + " Use another card.";
        }
        return result.message();
    }

    /**
     * Throws unless the session can still be completed.
     *
     * @throws ApiError 409 when it is completed, 410 when it expired
     */
    public void checkOpen(CheckoutSession session) {
        if (session.completedAt() != null) {
            throw ApiError.conflict("session_completed", null, "Checkout session '" + session.id()
                    + "' is already completed. Create a new session.");
        }
        if (!clock.instant().isBefore(session.expiresAt())) {
            throw ApiError.gone("session_expired", "Checkout session '" + session.id()
                    + "' expired at " + Timestamps.format(session.expiresAt())
                    + ". Create a new session.");
        }
    }

    private static Money amountOf(Handle handle, Caller caller, CheckoutSession session) {
        if (session.mode().equals("subscription")) {
            return Plans.find(handle, caller, session.planId())
                    .orElseThrow(() -> ApiError.gone("plan_deleted", "The session's plan was deleted."))
                    .periodAmount();
        }
        return CreditBundles.find(handle, caller, session.creditBundleId())
                .orElseThrow(() -> ApiError.gone("bundle_deleted", "The session's bundle was deleted."))
                .cost();
    }

    /** Completes a paid or free session; {@code paymentMethod} is null when nothing was charged. */
    private CheckoutSession complete(Caller caller, CheckoutSession session, String phone,
            Money amount, String cardLast4, String paymentMethod) {
        return jdbi.inTransaction(handle -> {
            Instant now = clock.instant();
            Customer customer = customerFor(handle, caller, session, phone);
            int claimed = handle.createUpdate("""
                            UPDATE checkout_sessions SET completed_at = :now, customer_id = :customer
                            WHERE id = :id AND completed_at IS NULL""")
                    .bind("now", Timestamps.format(now))
                    .bind("customer", customer.id())
                    .bind("id", session.id())
                    .execute();
            if (claimed == 0) {
                throw ApiError.conflict("session_completed", null, "Checkout session '"
                        + session.id() + "' is already completed.");
            }
            insertPayment(handle, caller, customer.id(), session, amount, "succeeded", null, cardLast4);
            if (paymentMethod != null) {
                savePaymentMethod(handle, customer.id(), paymentMethod);
            }
            fulfil(handle, caller, session, customer.id());
            CheckoutSession completed = find(handle, caller, session.id()).orElseThrow();
            Events.in(handle).checkoutCompleted(caller, completed);
            return completed;
        });
    }

    private Customer customerFor(Handle handle, Caller caller, CheckoutSession session, String phone) {
        if (session.customerId() != null) {
            Customer customer = Customers.resolve(handle, caller, session.customerId())
                    .orElseThrow(() -> ApiError.gone("customer_deleted",
                            "The session's customer was deleted."));
            if (customer.phone() != null && !customer.phone().equals(phone)) {
                throw ApiError.invalid("phone", "The phone number does not match the one on file"
                        + " for this customer.");
            }
            return customer;
        }
        Optional<Customer> returning = Customers.findByPhone(handle, caller, phone);
        if (returning.isPresent()) {
            return returning.get();
        }
        return customers.createIn(handle, caller, new Customers.NewCustomer(Optional.empty(),
                Optional.empty(), Optional.of(phone), Optional.empty(), Optional.empty(),
                Optional.empty())).customer();
    }

    /**
     * Returns whether the session moves an existing subscriber to a cheaper plan, which happens
     * at the end of the current cycle and is paid at that renewal, not now.
     */
    private static boolean isDowngrade(Handle handle, Caller caller, CheckoutSession session,
            String phone) {
        if (!session.mode().equals("subscription")) {
            return false;
        }
        Optional<Customer> existing = session.customerId() != null
                ? Customers.resolve(handle, caller, session.customerId())
                : Customers.findByPhone(handle, caller, phone);
        Optional<Plan> plan = Plans.find(handle, caller, session.planId());
        Optional<ActiveSubscription> current = existing.flatMap(customer ->
                Subscriptions.active(handle, caller, customer.id()));
        return plan.isPresent() && current.isPresent()
                && plan.get().periodAmount().compareTo(current.get().plan().periodAmount()) < 0;
    }

    /**
     * Stores the method that renewals and top-ups charge: in sandbox a published test card
     * number, which is harmless to store, and live the Stripe reference {@code cus_...|pm_...}.
     */
    private static void savePaymentMethod(Handle handle, String customerId, String paymentMethod) {
        handle.createUpdate("UPDATE customers SET payment_method = :method WHERE id = :id")
                .bind("method", paymentMethod)
                .bind("id", customerId)
                .execute();
    }

    private void fulfil(Handle handle, Caller caller, CheckoutSession session, String customerId) {
        if (session.mode().equals("subscription")) {
            Plan plan = Plans.find(handle, caller, session.planId()).orElseThrow();
            Optional<ActiveSubscription> current = Subscriptions.active(handle, caller, customerId);
            if (current.isPresent()
                    && plan.periodAmount().compareTo(current.get().plan().periodAmount()) < 0) {
                subscriptions.scheduleDowngrade(handle, current.get(), plan);
                Events.in(handle).subscriptionUpdated(caller, current.get().id());
                return;
            }
            subscriptions.start(handle, caller, customerId, plan);
            return;
        }
        CreditBundle bundle = CreditBundles.find(handle, caller, session.creditBundleId()).orElseThrow();
        String subscriptionId = Subscriptions.active(handle, caller, customerId)
                .map(ActiveSubscription::id)
                .orElse(null);
        ledger.append(handle, new Ledger.Account(caller.merchantId(), caller.environment(),
                customerId, subscriptionId), Bucket.BUNDLE, EntryKind.BUNDLE_PURCHASE,
                bundle.creditAmount(), null);
    }

    private void recordFailedPayment(Caller caller, CheckoutSession session, Money amount,
            PaymentProcessor.ChargeResult result) {
        jdbi.useTransaction(handle -> insertPayment(handle, caller, session.customerId(), session,
                amount, "failed", result.failureCode(), result.cardLast4()));
    }

    private void insertPayment(Handle handle, Caller caller, String customerId,
            CheckoutSession session, Money amount, String status, String failureCode, String last4) {
        String paymentId = ids.next("pay", caller.environment());
        handle.createUpdate("""
                        INSERT INTO payments (id, merchant_id, environment, customer_id, purpose, amount,
                            status, failure_code, card_last4, idempotency_key, created_at)
                        VALUES (:id, :merchant, :environment, :customer, :purpose, :amount, :status,
                            :failure, :last4, :key, :now)""")
                .bind("id", paymentId)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("customer", customerId)
                .bind("purpose", "checkout:" + session.mode())
                .bind("amount", amount.units())
                .bind("status", status)
                .bind("failure", failureCode)
                .bind("last4", last4)
                .bind("key", status.equals("succeeded") ? session.id() : paymentId)
                .bind("now", Timestamps.format(clock.instant()))
                .execute();
    }

    /** Returns a session of the caller. */
    public static Optional<CheckoutSession> find(Handle handle, Caller caller, String sessionId) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM checkout_sessions WHERE id = :id"
                        + " AND merchant_id = :merchant AND environment = :environment")
                .bind("id", sessionId)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .map((rs, ctx) -> read(rs))
                .findOne();
    }

    private static CheckoutSession read(ResultSet rs) throws SQLException {
        return new CheckoutSession(rs.getString("id"), rs.getString("checkout_mode"),
                rs.getString("origin_url"), rs.getString("plan_id"), rs.getString("customer_id"),
                rs.getString("credit_bundle_id"), Timestamps.parse(rs.getString("created_at")),
                Timestamps.parse(rs.getString("expires_at")),
                Timestamps.parseNullable(rs.getString("completed_at")), null);
    }

    private static String token(String secret, String publicBaseUrl) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("secret", secret);
        fields.put("base", publicBaseUrl);
        try {
            return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(fields));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
