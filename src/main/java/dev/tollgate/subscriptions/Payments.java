package dev.tollgate.subscriptions;

import dev.tollgate.core.Caller;
import dev.tollgate.core.Environment;
import dev.tollgate.core.Ids;
import dev.tollgate.money.Money;
import dev.tollgate.payments.PaymentProcessor;
import dev.tollgate.payments.PaymentProcessors;
import dev.tollgate.storage.Timestamps;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Off-session charges to a customer's saved payment method, for renewals and top-ups, and the
 * payment rows that record them. The customer's environment picks the processor: sandbox
 * customers pay with sandbox test cards, live customers through Stripe. Thread-safe.
 */
final class Payments {
    private final Jdbi jdbi;
    private final Ids ids;
    private final PaymentProcessors processors;

    Payments(Jdbi jdbi, Ids ids, PaymentProcessors processors) {
        this.jdbi = jdbi;
        this.ids = ids;
        this.processors = processors;
    }

    /** A customer's saved payment method and the environment that picks its processor. */
    private record SavedMethod(String paymentMethod, Environment environment) {
    }

    /**
     * Charges {@code amount} with an idempotency key, so that a repeated attempt (a retry, or
     * another node renewing the same cycle) is charged once by the processor. A live customer on
     * a server without Stripe gets the failure {@code payments_not_configured}.
     */
    PaymentProcessor.ChargeResult charge(String customerId, Money amount, String idempotencyKey,
            String description) {
        Optional<SavedMethod> saved = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT payment_method, environment FROM customers WHERE id = :id")
                .bind("id", customerId)
                .map((rs, ctx) -> new SavedMethod(rs.getString("payment_method"),
                        Environment.fromCode(rs.getString("environment"))))
                .findOne());
        if (saved.isEmpty() || saved.get().paymentMethod() == null) {
            return PaymentProcessor.ChargeResult.failure("no_payment_method",
                    "The customer has no saved payment method.", null);
        }
        Optional<PaymentProcessor> processor = processors.forEnvironment(saved.get().environment());
        if (processor.isEmpty()) {
            return PaymentProcessor.ChargeResult.failure("payments_not_configured",
                    "Live payments are not configured on this server: set STRIPE_SECRET_KEY.",
                    null);
        }
        return processor.get().charge(new PaymentProcessor.ChargeRequest(idempotencyKey,
                saved.get().paymentMethod(), amount, description));
    }

    /** Records a payment inside the caller's transaction; the key is unique per payment. */
    void record(Handle handle, Caller caller, String customerId, String purpose, Money amount,
            PaymentProcessor.ChargeResult result, String idempotencyKey, Instant at) {
        handle.createUpdate("""
                        INSERT INTO payments (id, merchant_id, environment, customer_id, purpose, amount,
                            status, failure_code, card_last4, idempotency_key, created_at)
                        VALUES (:id, :merchant, :environment, :customer, :purpose, :amount, :status,
                            :failure, :last4, :key, :at)""")
                .bind("id", ids.next("pay", caller.environment()))
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("customer", customerId)
                .bind("purpose", purpose)
                .bind("amount", amount.units())
                .bind("status", result.succeeded() ? "succeeded" : "failed")
                .bind("failure", result.failureCode())
                .bind("last4", result.cardLast4())
                .bind("key", idempotencyKey)
                .bind("at", Timestamps.format(at))
                .execute();
    }
}
