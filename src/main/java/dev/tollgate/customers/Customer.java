package dev.tollgate.customers;

import dev.tollgate.subscriptions.SubscriptionSummary;
import java.time.Instant;
import java.util.Optional;

/**
 * A merchant's customer. Contact fields and {@code metadataJson} (a JSON object as text) may
 * be null.
 */
public record Customer(
        String id,
        String referenceId,
        String phone,
        String email,
        String firstName,
        String lastName,
        String metadataJson,
        Optional<SubscriptionSummary> subscription,
        Instant createdAt) {
}
