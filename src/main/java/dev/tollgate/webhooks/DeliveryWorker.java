package dev.tollgate.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due deliveries. Every {@link #POLL_INTERVAL} it turns due balance rows into events,
 * then claims due deliveries (a lease in the database) up to the free places of a pool of
 * {@link #MAX_CONCURRENT_ATTEMPTS} threads, and sends each one. Pending rows survive restarts:
 * a node that stops mid-attempt gives its lease back, and a lease of a node that died expires
 * after the attempt timeout plus {@link #LEASE_MARGIN}. Thread-safe.
 */
final class DeliveryWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
    static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    static final int MAX_CONCURRENT_ATTEMPTS = 16;
    static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
    private static final Duration MAX_STOP_WAIT = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final Clock clock;
    private final BalanceEvents balanceEvents;
    private final DeliverySender sender;
    private final Duration lease;
    private final Semaphore places = new Semaphore(MAX_CONCURRENT_ATTEMPTS);
    private final ExecutorService pool = Executors.newFixedThreadPool(MAX_CONCURRENT_ATTEMPTS,
            Thread.ofPlatform().name("tollgate-webhook-", 0).daemon(true).factory());
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("tollgate-webhook-poller").daemon(true).factory());

    DeliveryWorker(Jdbi jdbi, Clock clock, BalanceEvents balanceEvents, DeliverySender sender,
            Duration timeout) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.balanceEvents = balanceEvents;
        this.sender = sender;
        this.lease = timeout.plus(LEASE_MARGIN);
    }

    void start() {
        poller.scheduleWithFixedDelay(this::poll, POLL_INTERVAL.toMillis(),
                POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            balanceEvents.flushDue();
            claimAndSend();
        } catch (RuntimeException e) {
            LOG.error("Webhook delivery poll failed; the next poll retries", e);
        }
    }

    private void claimAndSend() {
        int free = places.availablePermits();
        if (free == 0) {
            return;
        }
        Instant now = clock.instant();
        List<String> due = jdbi.withHandle(handle -> DeliveryRows.due(handle, now, free));
        for (String deliveryId : due) {
            String token = UUID.randomUUID().toString();
            boolean claimed = jdbi.withHandle(handle -> DeliveryRows.claim(handle, deliveryId,
                    token, now, now.plus(lease)));
            if (claimed && places.tryAcquire()) {
                submit(deliveryId, token);
            } else if (claimed) {
                jdbi.useHandle(handle -> DeliveryRows.release(handle, deliveryId, token));
            }
        }
    }

    private void submit(String deliveryId, String token) {
        try {
            pool.execute(() -> {
                try {
                    attempt(deliveryId, token);
                } finally {
                    places.release();
                }
            });
        } catch (RejectedExecutionException e) {
            places.release();
            jdbi.useHandle(handle -> DeliveryRows.release(handle, deliveryId, token));
        }
    }

    private void attempt(String deliveryId, String token) {
        Optional<DeliveryRows.Job> job = jdbi.withHandle(h -> DeliveryRows.job(h, deliveryId));
        if (job.isEmpty()) {
            return;
        }
        Optional<DeliveryRows.Result> result = sender.send(job.get());
        if (result.isEmpty()) {
            // The node is stopping: hand the attempt back uncounted for the next start.
            jdbi.useHandle(handle -> DeliveryRows.release(handle, deliveryId, token));
            return;
        }
        int attempt = job.get().attempts() + 1;
        Instant next = clock.instant().plus(RetrySchedule.delayAfter(attempt));
        Optional<String> status = jdbi.inTransaction(handle -> DeliveryRows.record(handle,
                job.get(), token, result.get(), next));
        logOutcome(job.get(), attempt, result.get(), status);
    }

    private static void logOutcome(DeliveryRows.Job job, int attempt, DeliveryRows.Result result,
            Optional<String> status) {
        if (status.isEmpty()) {
            LOG.warn("Webhook attempt finished after its lease was lost, not recorded"
                    + " deliveryId={} attempt={}", job.deliveryId(), attempt);
        } else if (status.get().equals("failed")) {
            LOG.warn("Webhook delivery failed after its last attempt webhookId={} eventId={}"
                            + " deliveryId={} attempts={} code={} error={}", job.webhookId(),
                    job.eventId(), job.deliveryId(), attempt, result.responseCode(),
                    result.errorKind());
        } else if (!result.succeeded()) {
            LOG.warn("Webhook attempt failed, will retry webhookId={} eventId={} deliveryId={}"
                            + " attempt={} of {} code={} error={}", job.webhookId(), job.eventId(),
                    job.deliveryId(), attempt, job.maxAttempts(), result.responseCode(),
                    result.errorKind());
        } else {
            LOG.debug("Webhook attempt deliveryId={} attempt={} status={} code={}",
                    job.deliveryId(), attempt, status.get(), result.responseCode());
        }
    }

    /** Stops polling and interrupts attempts in flight, which give their leases back. */
    @Override
    public void close() {
        poller.shutdownNow();
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(MAX_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Webhook attempts still running at stop; their leases expire instead");
            }
            poller.awaitTermination(MAX_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
