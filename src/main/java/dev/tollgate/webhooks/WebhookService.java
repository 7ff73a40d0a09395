package dev.tollgate.webhooks;

import dev.tollgate.core.Ids;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/**
 * The webhook feature of one node: turns on event recording for every transaction of the
 * {@link Jdbi} instance, offers the endpoint and delivery services, and runs the delivery
 * worker until {@link #close()}. Thread-safe.
 */
public final class WebhookService implements AutoCloseable {
    private final Webhooks endpoints;
    private final DeliveryLog deliveries;
    private final DeliveryWorker worker;

    private WebhookService(Webhooks endpoints, DeliveryLog deliveries, DeliveryWorker worker) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.worker = worker;
    }

    /**
     * Enables event recording on {@code jdbi}. Call it before any handle is opened, since a
     * handle copies the setting when it opens. Deliveries start with {@link #startDelivering}.
     */
    public static WebhookService create(Jdbi jdbi, Ids ids, Clock clock,
            WebhookSettings settings) {
        Outbox outbox = new Outbox(ids, clock);
        Events.enable(jdbi, outbox);
        DeliveryWorker worker = new DeliveryWorker(jdbi, clock, new BalanceEvents(jdbi, outbox),
                new DeliverySender(clock, settings), settings.timeout());
        return new WebhookService(new Webhooks(jdbi, ids, clock, settings),
                new DeliveryLog(jdbi, clock, outbox), worker);
    }

    /** Starts polling for due deliveries. */
    public void startDelivering() {
        worker.start();
    }

    public Webhooks endpoints() {
        return endpoints;
    }

    public DeliveryLog deliveries() {
        return deliveries;
    }

    /** Stops the worker; attempts in flight give their claims back for the next start. */
    @Override
    public void close() {
        worker.close();
    }
}
