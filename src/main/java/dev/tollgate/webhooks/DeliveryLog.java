package dev.tollgate.webhooks;

import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.storage.Page;
import dev.tollgate.storage.PageRequest;
import dev.tollgate.storage.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The deliveries of an endpoint with their attempts, a manual retry, and a test event.
 * Thread-safe.
 */
public final class DeliveryLog {
    private static final int MAX_ATTEMPTS_SHOWN = 50;
    private static final String COLUMNS = "d.id, d.webhook_id, d.event_id, e.event_type,"
            + " d.status, d.attempts, d.last_response_code, d.last_error, d.last_attempt_at,"
            + " d.next_attempt_at, d.created_at";

    private final Jdbi jdbi;
    private final Clock clock;
    private final Outbox outbox;

    DeliveryLog(Jdbi jdbi, Clock clock, Outbox outbox) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.outbox = outbox;
    }

    /** Lists an endpoint's deliveries, newest first; 404 for an unknown endpoint. */
    public Page<Delivery> list(Caller caller, String webhookId, PageRequest page) {
        return jdbi.withHandle(handle -> {
            requireWebhook(handle, caller, webhookId);
            List<Delivery> rows = handle.createQuery("SELECT " + COLUMNS
                            + " FROM webhook_deliveries d"
                            + " JOIN webhook_events e ON e.id = d.event_id"
                            + " WHERE d.webhook_id = :webhook AND d.id < :cursor"
                            + " ORDER BY d.id DESC LIMIT :limit")
                    .bind("webhook", webhookId)
                    .bind("cursor", page.cursorBound())
                    .bind("limit", page.limit() + 1)
                    .map((rs, ctx) -> read(rs))
                    .list()
                    .stream()
                    .map(delivery -> withHistory(handle, delivery))
                    .toList();
            return Page.fromOverfetch(rows, page.limit(), Delivery::id);
        });
    }

    /**
     * Makes a delivery due now, whatever its status, with one more attempt allowed. A delivery
     * whose attempt is running keeps its lease, and the retry follows once it ends.
     */
    public Delivery retry(Caller caller, String webhookId, String deliveryId) {
        return jdbi.inTransaction(handle -> {
            requireWebhook(handle, caller, webhookId);
            int updated = handle.createUpdate("""
                            UPDATE webhook_deliveries SET status = 'pending',
                                next_attempt_at = :now,
                                max_attempts = CASE WHEN attempts + 1 > max_attempts
                                    THEN attempts + 1 ELSE max_attempts END
                            WHERE id = :id AND webhook_id = :webhook""")
                    .bind("now", Timestamps.format(clock.instant()))
                    .bind("id", deliveryId)
                    .bind("webhook", webhookId)
                    .execute();
            if (updated == 0) {
                throw ApiError.notFound("delivery", deliveryId);
            }
            return find(handle, deliveryId).orElseThrow();
        });
    }

    /** Records a {@code webhook.test} event for this endpoint only and returns its delivery. */
    public Delivery sendTest(Caller caller, String webhookId) {
        return jdbi.inTransaction(handle -> {
            requireWebhook(handle, caller, webhookId);
            var data = Payloads.JSON.createObjectNode();
            data.put("webhook_id", webhookId);
            data.put("message", "This is a test event sent from Tollgate.");
            String deliveryId = outbox.emitTo(handle, caller.merchantId(), caller.environment(),
                    webhookId, EventType.WEBHOOK_TEST, data);
            return find(handle, deliveryId).orElseThrow();
        });
    }

    private static void requireWebhook(Handle handle, Caller caller, String webhookId) {
        Webhooks.find(handle, caller, webhookId)
                .orElseThrow(() -> ApiError.notFound("webhook", webhookId));
    }

    private static Optional<Delivery> find(Handle handle, String deliveryId) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM webhook_deliveries d"
                        + " JOIN webhook_events e ON e.id = d.event_id WHERE d.id = :id")
                .bind("id", deliveryId)
                .map((rs, ctx) -> read(rs))
                .findOne()
                .map(delivery -> withHistory(handle, delivery));
    }

    private static Delivery withHistory(Handle handle, Delivery d) {
        List<Delivery.Attempt> history = handle.createQuery("""
                        SELECT attempt, started_at, response_code, error, duration_ms
                        FROM webhook_attempts WHERE delivery_id = :id
                        ORDER BY attempt DESC LIMIT :max""")
                .bind("id", d.id())
                .bind("max", MAX_ATTEMPTS_SHOWN)
                .map((rs, ctx) -> new Delivery.Attempt(rs.getInt("attempt"),
                        Timestamps.parse(rs.getString("started_at")),
                        nullableInt(rs, "response_code"),
                        rs.getString("error"), rs.getLong("duration_ms")))
                .list();
        return new Delivery(d.id(), d.webhookId(), d.eventId(), d.eventType(), d.status(),
                d.attempts(), d.lastResponseCode(), d.lastError(), d.lastAttemptAt(),
                d.nextAttemptAt(), d.createdAt(), history);
    }

    private static Delivery read(ResultSet rs) throws SQLException {
        String status = rs.getString("status");
        return new Delivery(rs.getString("id"), rs.getString("webhook_id"),
                rs.getString("event_id"), rs.getString("event_type"), status,
                rs.getInt("attempts"), nullableInt(rs, "last_response_code"),
                rs.getString("last_error"),
                Timestamps.parseNullable(rs.getString("last_attempt_at")),
                status.equals("pending") ? Timestamps.parse(rs.getString("next_attempt_at")) : null,
                Timestamps.parse(rs.getString("created_at")), List.of());
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }
}
