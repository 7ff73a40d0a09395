package dev.tollgate.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Ids;
import dev.tollgate.storage.Page;
import dev.tollgate.storage.PageRequest;
import dev.tollgate.storage.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Webhook endpoints of one merchant and environment: create (the secret is returned once),
 * list, retrieve, update and delete. Deleting an endpoint cancels its pending deliveries.
 * Thread-safe.
 */
public final class Webhooks {
    private static final String COLUMNS = "id, name, url, events, created_at";

    private final Jdbi jdbi;
    private final Ids ids;
    private final Clock clock;
    private final WebhookSettings settings;

    Webhooks(Jdbi jdbi, Ids ids, Clock clock, WebhookSettings settings) {
        this.jdbi = jdbi;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
    }

    /** An endpoint to create; an empty {@code events} means every event. */
    public record NewWebhook(String name, String url, Optional<List<String>> events) {
    }

    /** An update; each present field replaces the stored one, and empty events means all. */
    public record WebhookChanges(Optional<String> name, Optional<String> url,
            Optional<Optional<List<String>>> events) {
    }

    /**
     * Creates an endpoint with a new secret.
     *
     * @throws ApiError 400 naming {@code url} when it may not be called, or {@code events[i]}
     */
    public Webhook create(Caller caller, NewWebhook request) {
        String url = checkUrl(request.url());
        request.events().ifPresent(Webhooks::checkEvents);
        String secret = Signatures.newSecret();
        Instant now = clock.instant();
        String id = ids.next("wh", caller.environment());
        jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO webhooks (id, merchant_id, environment, name, url, events,
                            secret, created_at)
                        VALUES (:id, :merchant, :environment, :name, :url, :events, :secret,
                            :now)""")
                .bind("id", id)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("name", request.name())
                .bind("url", url)
                .bind("events", request.events().map(Webhooks::toJson).orElse(null))
                .bind("secret", secret)
                .bind("now", Timestamps.format(now))
                .execute());
        return new Webhook(id, request.name(), url, request.events(), now, Optional.of(secret));
    }

    public Page<Webhook> list(Caller caller, PageRequest page) {
        List<Webhook> rows = jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                        + " FROM webhooks WHERE merchant_id = :merchant"
                        + " AND environment = :environment AND deleted_at IS NULL"
                        + " AND id < :cursor ORDER BY id DESC LIMIT :limit")
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("cursor", page.cursorBound())
                .bind("limit", page.limit() + 1)
                .map((rs, ctx) -> read(rs))
                .list());
        return Page.fromOverfetch(rows, page.limit(), Webhook::id);
    }

    /** Returns an endpoint of the caller; 404 when it does not exist or was deleted. */
    public Webhook get(Caller caller, String id) {
        return jdbi.withHandle(handle -> find(handle, caller, id))
                .orElseThrow(() -> ApiError.notFound("webhook", id));
    }

    /** Applies {@code changes}; a new URL is checked as at creation. */
    public Webhook update(Caller caller, String id, WebhookChanges changes) {
        Optional<String> url = changes.url().map(this::checkUrl);
        changes.events().flatMap(events -> events).ifPresent(Webhooks::checkEvents);
        return jdbi.inTransaction(handle -> {
            Webhook current = find(handle, caller, id)
                    .orElseThrow(() -> ApiError.notFound("webhook", id));
            Optional<List<String>> events = changes.events().orElse(current.events());
            handle.createUpdate("UPDATE webhooks SET name = :name, url = :url, events = :events"
                            + " WHERE id = :id")
                    .bind("name", changes.name().orElse(current.name()))
                    .bind("url", url.orElse(current.url()))
                    .bind("events", events.map(Webhooks::toJson).orElse(null))
                    .bind("id", id)
                    .execute();
            return find(handle, caller, id).orElseThrow();
        });
    }

    /** Deletes an endpoint and cancels its pending deliveries. */
    public void delete(Caller caller, String id) {
        jdbi.useTransaction(handle -> {
            find(handle, caller, id).orElseThrow(() -> ApiError.notFound("webhook", id));
            handle.createUpdate("UPDATE webhooks SET deleted_at = :now WHERE id = :id")
                    .bind("now", Timestamps.format(clock.instant()))
                    .bind("id", id)
                    .execute();
            handle.createUpdate("UPDATE webhook_deliveries SET status = 'cancelled'"
                            + " WHERE webhook_id = :id AND status = 'pending'")
                    .bind("id", id)
                    .execute();
        });
    }

    static Optional<Webhook> find(Handle handle, Caller caller, String id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM webhooks WHERE id = :id"
                        + " AND merchant_id = :merchant AND environment = :environment"
                        + " AND deleted_at IS NULL")
                .bind("id", id)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .map((rs, ctx) -> read(rs))
                .findOne();
    }

    private String checkUrl(String url) {
        if (url.length() > WebhookUrls.MAX_URL_LENGTH) {
            throw ApiError.invalid("url", "Webhook URL is " + url.length() + " characters long;"
                    + " the maximum is " + WebhookUrls.MAX_URL_LENGTH + ".");
        }
        try {
            return WebhookUrls.check(url, settings.allowLoopback()).toString();
        } catch (WebhookUrls.UnsafeUrlException e) {
            throw ApiError.invalid("url", e.getMessage());
        }
    }

    private static void checkEvents(List<String> events) {
        for (int i = 0; i < events.size(); i++) {
            String name = events.get(i);
            boolean known = EventType.fromWireName(name)
                    .filter(type -> type != EventType.WEBHOOK_TEST)
                    .isPresent();
            if (!known) {
                throw ApiError.invalid("events[" + i + "]", "Unknown event '" + name
                        + "'. Use names such as customer.created; docs/webhooks.md lists them.");
            }
        }
    }

    private static String toJson(List<String> events) {
        return Payloads.JSON.valueToTree(events).toString();
    }

    private static Webhook read(ResultSet rs) throws SQLException {
        String events = rs.getString("events");
        return new Webhook(rs.getString("id"), rs.getString("name"), rs.getString("url"),
                Optional.ofNullable(events).map(Webhooks::parseEvents),
                Timestamps.parse(rs.getString("created_at")), Optional.empty());
    }

    private static List<String> parseEvents(String json) {
        try {
            return Payloads.JSON.readValue(json, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored webhook event filter is not JSON", e);
        }
    }
}
