package dev.tollgate.checkout;

import java.time.Instant;

/** A checkout session; {@code token} is present only in the reply to its creation. */
public record CheckoutSession(String id, String mode, String originUrl, String planId,
        String customerId, String creditBundleId, Instant createdAt, Instant expiresAt,
        Instant completedAt, String token) {
}
