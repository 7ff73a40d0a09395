package dev.tollgate.api;

import dev.tollgate.storage.Timestamps;
import dev.tollgate.webhooks.Delivery;
import dev.tollgate.webhooks.DeliveryLog;
import dev.tollgate.webhooks.EventType;
import dev.tollgate.webhooks.Webhook;
import dev.tollgate.webhooks.Webhooks;
import io.helidon.webserver.http.HttpRouting;
import java.util.List;
import java.util.Optional;

/**
 * {@code /v1/webhooks}: endpoints (create, list, retrieve, update, delete) in the form the
 * Lava SDK sends and reads, with an optional {@code events} filter, plus the delivery log,
 * manual retries and test events.
 */
final class WebhookRoutes {
    private static final int MAX_NAME_LENGTH = 200;
    private static final int MAX_URL_LENGTH = 2048;
    private static final int MAX_EVENT_NAME_LENGTH = 100;

    private final Webhooks webhooks;
    private final DeliveryLog deliveries;
    private final Endpoints endpoints;

    WebhookRoutes(Webhooks webhooks, DeliveryLog deliveries, Endpoints endpoints) {
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.endpoints = endpoints;
    }

    void register(HttpRouting.Builder routing) {
        routing.post("/v1/webhooks", endpoints.authenticated(this::create))
                .get("/v1/webhooks", endpoints.authenticated(call -> Reply.ok(ListBody.of(
                        webhooks.list(call.caller(), call.page()).map(WebhookView::of)))))
                .get("/v1/webhooks/{id}", endpoints.authenticated(call -> Reply.ok(
                        WebhookView.of(webhooks.get(call.caller(), call.pathParam("id"))))))
                .patch("/v1/webhooks/{id}", endpoints.authenticated(this::update))
                .delete("/v1/webhooks/{id}", endpoints.authenticated(call -> {
                    String id = call.pathParam("id");
                    webhooks.delete(call.caller(), id);
                    return Reply.ok(new DeletedBody(id, true));
                }))
                .get("/v1/webhooks/{id}/deliveries", endpoints.authenticated(call -> Reply.ok(
                        ListBody.of(deliveries.list(call.caller(), call.pathParam("id"),
                                call.page()).map(DeliveryView::of)))))
                .post("/v1/webhooks/{id}/deliveries/{delivery}/retry",
                        endpoints.authenticated(call -> Reply.ok(DeliveryView.of(
                                deliveries.retry(call.caller(), call.pathParam("id"),
                                        call.pathParam("delivery"))))))
                .post("/v1/webhooks/{id}/test", endpoints.authenticated(call -> Reply.created(
                        DeliveryView.of(deliveries.sendTest(call.caller(),
                                call.pathParam("id"))))));
    }

    private Reply create(Call call) {
        JsonBody body = call.body();
        Webhooks.NewWebhook request = new Webhooks.NewWebhook(
                body.requiredText("name", MAX_NAME_LENGTH),
                body.requiredText("url", MAX_URL_LENGTH),
                readEvents(body));
        return Reply.created(CreatedView.of(webhooks.create(call.caller(), request)));
    }

    private Reply update(Call call) {
        JsonBody body = call.body();
        Optional<Optional<List<String>>> events = body.has("events")
                ? Optional.of(readEvents(body)) : Optional.empty();
        Webhooks.WebhookChanges changes = new Webhooks.WebhookChanges(
                body.optionalText("name", MAX_NAME_LENGTH),
                body.optionalText("url", MAX_URL_LENGTH),
                events);
        return Reply.ok(WebhookView.of(webhooks.update(call.caller(), call.pathParam("id"),
                changes)));
    }

    private static Optional<List<String>> readEvents(JsonBody body) {
        return body.optionalStrings("events", EventType.values().length,
                MAX_EVENT_NAME_LENGTH);
    }

    /** The wire form of an endpoint; {@code events} is null when it receives every event. */
    record WebhookView(String webhookId, String name, String url, List<String> events,
            String createdAt) {
        static WebhookView of(Webhook w) {
            return new WebhookView(w.id(), w.name(), w.url(), w.events().orElse(null),
                    Timestamps.format(w.createdAt()));
        }
    }

    /** The reply to a create, the only one that shows {@code webhook_secret}. */
    record CreatedView(String webhookId, String name, String url, List<String> events,
            String createdAt, String webhookSecret) {
        static CreatedView of(Webhook w) {
            return new CreatedView(w.id(), w.name(), w.url(), w.events().orElse(null),
                    Timestamps.format(w.createdAt()), w.secret().orElseThrow());
        }
    }

    record DeliveryView(String deliveryId, String webhookId, String eventId, String event,
            String status, int attempts, Integer lastResponseCode, String lastError,
            String lastAttemptAt, String nextAttemptAt, String createdAt,
            List<AttemptView> attemptHistory) {
        static DeliveryView of(Delivery d) {
            return new DeliveryView(d.id(), d.webhookId(), d.eventId(), d.eventType(),
                    d.status(), d.attempts(), d.lastResponseCode(), d.lastError(),
                    Timestamps.formatNullable(d.lastAttemptAt()),
                    Timestamps.formatNullable(d.nextAttemptAt()),
                    Timestamps.format(d.createdAt()),
                    d.history().stream().map(AttemptView::of).toList());
        }
    }

    record AttemptView(int attempt, String startedAt, Integer responseCode, String error,
            long durationMs) {
        static AttemptView of(Delivery.Attempt a) {
            return new AttemptView(a.attempt(), Timestamps.format(a.startedAt()),
                    a.responseCode(), a.error(), a.durationMillis());
        }
    }
}
