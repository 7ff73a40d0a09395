package dev.tollgate.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.Environment;
import dev.tollgate.core.Ids;
import dev.tollgate.storage.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * Writes events and their deliveries inside the caller's transaction, so an event exists
 * exactly when the change that caused it committed. An event gets one pending delivery per live
 * endpoint of its merchant and environment whose filter includes it; with no such endpoint
 * nothing is written. Thread-safe.
 */
final class Outbox {
    private final Ids ids;
    private final Clock clock;

    Outbox(Ids ids, Clock clock) {
        this.ids = ids;
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    /** Records an event for every endpoint that wants it; returns how many deliveries. */
    int emit(Handle handle, String merchantId, Environment environment, EventType type,
            Supplier<ObjectNode> data) {
        List<String> endpoints = subscribers(handle, merchantId, environment, type);
        if (endpoints.isEmpty()) {
            return 0;
        }
        String eventId = insertEvent(handle, merchantId, environment, type, data.get());
        for (String webhookId : endpoints) {
            insertDelivery(handle, eventId, webhookId, environment);
        }
        return endpoints.size();
    }

    /** Records an event for one endpoint, whatever its filter; returns the delivery id. */
    String emitTo(Handle handle, String merchantId, Environment environment, String webhookId,
            EventType type, ObjectNode data) {
        String eventId = insertEvent(handle, merchantId, environment, type, data);
        return insertDelivery(handle, eventId, webhookId, environment);
    }

    private List<String> subscribers(Handle handle, String merchantId, Environment environment,
            EventType type) {
        List<String> matching = new ArrayList<>();
        handle.createQuery("SELECT id, events FROM webhooks WHERE merchant_id = :merchant"
                        + " AND environment = :environment AND deleted_at IS NULL ORDER BY id")
                .bind("merchant", merchantId)
                .bind("environment", environment.code())
                .map((rs, ctx) -> new String[] {rs.getString("id"), rs.getString("events")})
                .forEach(row -> {
                    if (wants(row[1], type)) {
                        matching.add(row[0]);
                    }
                });
        return matching;
    }

    /** Returns whether a stored filter (a JSON array, or null for all) includes {@code type}. */
    static boolean wants(String filterJson, EventType type) {
        if (filterJson == null) {
            return true;
        }
        try {
            for (JsonNode name : Payloads.JSON.readTree(filterJson)) {
                if (name.asText().equals(type.wireName())) {
                    return true;
                }
            }
            return false;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored webhook event filter is not JSON", e);
        }
    }

    private String insertEvent(Handle handle, String merchantId, Environment environment,
            EventType type, ObjectNode data) {
        Instant now = clock.instant();
        String eventId = ids.next("evt", environment);
        ObjectNode envelope = Payloads.JSON.createObjectNode();
        envelope.put("id", eventId);
        envelope.put("event", type.wireName());
        envelope.put("created_at", Timestamps.format(now));
        envelope.set("data", data);
        handle.createUpdate("""
                        INSERT INTO webhook_events (id, merchant_id, environment, event_type, body,
                            created_at)
                        VALUES (:id, :merchant, :environment, :type, :body, :now)""")
                .bind("id", eventId)
                .bind("merchant", merchantId)
                .bind("environment", environment.code())
                .bind("type", type.wireName())
                .bind("body", envelope.toString())
                .bind("now", Timestamps.format(now))
                .execute();
        return eventId;
    }

    private String insertDelivery(Handle handle, String eventId, String webhookId,
            Environment environment) {
        String deliveryId = ids.next("dlv", environment);
        String now = Timestamps.format(clock.instant());
        handle.createUpdate("""
                        INSERT INTO webhook_deliveries (id, event_id, webhook_id, status, attempts,
                            max_attempts, next_attempt_at, created_at)
                        VALUES (:id, :event, :webhook, 'pending', 0, :max, :now, :now)""")
                .bind("id", deliveryId)
                .bind("event", eventId)
                .bind("webhook", webhookId)
                .bind("max", RetrySchedule.MAX_ATTEMPTS)
                .bind("now", now)
                .execute();
        return deliveryId;
    }
}
