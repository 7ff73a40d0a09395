package dev.tollgate.webhooks;

import java.time.Instant;
import java.util.List;

/**
 * One event's delivery to one endpoint. {@code status} is {@code pending}, {@code succeeded},
 * {@code failed} (every attempt failed) or {@code cancelled} (the endpoint was deleted).
 * Instants and the response code are null until they happen.
 */
public record Delivery(String id, String webhookId, String eventId, String eventType,
        String status, int attempts, Integer lastResponseCode, String lastError,
        Instant lastAttemptAt, Instant nextAttemptAt, Instant createdAt, List<Attempt> history) {

    /** One attempt: when it started, the HTTP status or the error, and how long it took. */
    public record Attempt(int attempt, Instant startedAt, Integer responseCode, String error,
            long durationMillis) {
    }
}
