package dev.tollgate.payments;

import dev.tollgate.core.Environment;
import java.util.Optional;

/**
 * The card processor of each environment: the sandbox processor for sandbox customers, and
 * Stripe for live customers when the server has a Stripe secret key. A live customer is never
 * charged through the sandbox processor. Thread-safe.
 */
public final class PaymentProcessors {
    private final SandboxCardProcessor sandbox;
    private final Optional<StripeCardProcessor> live;

    /** @param live the Stripe processor, absent when {@code STRIPE_SECRET_KEY} is not set */
    public PaymentProcessors(SandboxCardProcessor sandbox, Optional<StripeCardProcessor> live) {
        this.sandbox = sandbox;
        this.live = live;
    }

    public SandboxCardProcessor sandbox() {
        return sandbox;
    }

    public Optional<StripeCardProcessor> live() {
        return live;
    }

    /** Returns the processor for customers of {@code environment}, empty for live without Stripe. */
    public Optional<PaymentProcessor> forEnvironment(Environment environment) {
        return environment == Environment.SANDBOX ? Optional.of(sandbox) : live.map(p -> p);
    }
}
