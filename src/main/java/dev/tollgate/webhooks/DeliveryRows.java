package dev.tollgate.webhooks;

import dev.tollgate.storage.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of delivery claims and results. A claim is one conditional update that sets a lease
 * only when no live lease exists, so on one database (SQLite, or PostgreSQL shared by several
 * nodes) exactly one worker owns an attempt at a time. A result is written only by the holder
 * of the lease token.
 */
final class DeliveryRows {
    private static final int MAX_ERROR_LENGTH = 500;

    private DeliveryRows() {
    }

    /** What an attempt needs: the endpoint, its secret and the exact body to send. */
    record Job(String deliveryId, String eventId, String webhookId, String url, String secret,
            String body, int attempts, int maxAttempts) {
    }

    /**
     * The result of one attempt: the HTTP status when a response came, else the error. The
     * error text may contain the URL, so logs use {@code errorKind}, such as "timeout" or an
     * exception's class name.
     */
    record Result(Integer responseCode, String error, String errorKind, Instant startedAt,
            long durationMillis) {
        boolean succeeded() {
            return responseCode != null && responseCode >= 200 && responseCode < 300;
        }
    }

    static List<String> due(Handle handle, Instant now, int limit) {
        return handle.createQuery("""
                        SELECT id FROM webhook_deliveries
                        WHERE status = 'pending' AND next_attempt_at <= :now
                          AND (lease_until IS NULL OR lease_until < :now)
                        ORDER BY next_attempt_at LIMIT :limit""")
                .bind("now", Timestamps.format(now))
                .bind("limit", limit)
                .mapTo(String.class)
                .list();
    }

    /** Takes the lease of a due delivery; false when another worker holds it or it changed. */
    static boolean claim(Handle handle, String deliveryId, String token, Instant now,
            Instant leaseUntil) {
        return handle.createUpdate("""
                        UPDATE webhook_deliveries SET lease_until = :until, lease_token = :token
                        WHERE id = :id AND status = 'pending' AND next_attempt_at <= :now
                          AND (lease_until IS NULL OR lease_until < :now)""")
                .bind("until", Timestamps.format(leaseUntil))
                .bind("token", token)
                .bind("id", deliveryId)
                .bind("now", Timestamps.format(now))
                .execute() == 1;
    }

    static Optional<Job> job(Handle handle, String deliveryId) {
        return handle.createQuery("""
                        SELECT d.id, d.event_id, d.webhook_id, w.url, w.secret, e.body,
                            d.attempts, d.max_attempts
                        FROM webhook_deliveries d
                        JOIN webhooks w ON w.id = d.webhook_id
                        JOIN webhook_events e ON e.id = d.event_id
                        WHERE d.id = :id""")
                .bind("id", deliveryId)
                .map((rs, ctx) -> new Job(rs.getString("id"), rs.getString("event_id"),
                        rs.getString("webhook_id"), rs.getString("url"), rs.getString("secret"),
                        rs.getString("body"), rs.getInt("attempts"), rs.getInt("max_attempts")))
                .findOne();
    }

    /**
     * Records an attempt and schedules the next one, or marks the delivery succeeded or failed.
     *
     * @return the new status, or empty when the lease was lost and nothing was written
     */
    static Optional<String> record(Handle handle, Job job, String token, Result result,
            Instant nextAttemptAt) {
        int attempt = job.attempts() + 1;
        String status = result.succeeded() ? "succeeded"
                : attempt >= job.maxAttempts() ? "failed" : "pending";
        int updated = handle.createUpdate("""
                        UPDATE webhook_deliveries SET status = :status, attempts = :attempt,
                            next_attempt_at = :next, lease_until = NULL, lease_token = NULL,
                            last_response_code = :code, last_error = :error,
                            last_attempt_at = :started
                        WHERE id = :id AND lease_token = :token""")
                .bind("status", status)
                .bind("attempt", attempt)
                .bind("next", Timestamps.format(nextAttemptAt))
                .bind("code", result.responseCode())
                .bind("error", truncate(result.error()))
                .bind("started", Timestamps.format(result.startedAt()))
                .bind("id", job.deliveryId())
                .bind("token", token)
                .execute();
        if (updated == 0) {
            return Optional.empty();
        }
        handle.createUpdate("""
                        INSERT INTO webhook_attempts (delivery_id, attempt, started_at,
                            response_code, error, duration_ms)
                        VALUES (:id, :attempt, :started, :code, :error, :duration)""")
                .bind("id", job.deliveryId())
                .bind("attempt", attempt)
                .bind("started", Timestamps.format(result.startedAt()))
                .bind("code", result.responseCode())
                .bind("error", truncate(result.error()))
                .bind("duration", result.durationMillis())
                .execute();
        return Optional.of(status);
    }

    /** Gives a claim back without counting an attempt, as when the node stops mid-attempt. */
    static void release(Handle handle, String deliveryId, String token) {
        handle.createUpdate("UPDATE webhook_deliveries SET lease_until = NULL, lease_token = NULL"
                        + " WHERE id = :id AND lease_token = :token")
                .bind("id", deliveryId)
                .bind("token", token)
                .execute();
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_ERROR_LENGTH ? text
                : text.substring(0, MAX_ERROR_LENGTH);
    }
}
