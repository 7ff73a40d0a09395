package dev.tollgate.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A merchant's webhook endpoint. {@code events} is the filter, empty for every event. The
 * secret is present only in the result of creation.
 */
public record Webhook(String id, String name, String url, Optional<List<String>> events,
        Instant createdAt, Optional<String> secret) {
}
