package dev.tollgate.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one thread takes queued write tasks and runs up to {@code maxBatch} of them in
 * a single transaction, so that many requests share one commit. A task's result is delivered
 * only after its transaction committed. When a batch fails, its tasks are retried one
 * transaction each, so a failing task fails alone and the others still commit. Thread-safe.
 */
public final class BatchWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
    private static final int MAX_QUEUED_TASKS = 100_000;

    private final Jdbi jdbi;
    private final int maxBatch;
    private final BlockingQueue<Task<?>> queue = new ArrayBlockingQueue<>(MAX_QUEUED_TASKS);
    private final Thread thread;
    private volatile boolean closing;

    private record Task<T>(HandleCallback<T, RuntimeException> work, CompletableFuture<T> result) {
        void complete(Object value) {
            @SuppressWarnings("unchecked")
            T typed = (T) value;
            result.complete(typed);
        }
    }

    public BatchWriter(Jdbi jdbi, int maxBatch, String name) {
        this.jdbi = jdbi;
        this.maxBatch = maxBatch;
        this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::run);
    }

    /**
     * Runs {@code work} in the next batch transaction and returns its result once committed.
     *
     * @throws RuntimeException the exception {@code work} threw, when it failed on its own
     * @throws RejectedExecutionException after {@link #close()} or when the queue is full
     */
    public <T> T write(HandleCallback<T, RuntimeException> work) {
        CompletableFuture<T> result = submit(work);
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a commit", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("batched write failed", e.getCause());
        }
    }

    /** Queues {@code work}; the future completes after its transaction committed. */
    public <T> CompletableFuture<T> submit(HandleCallback<T, RuntimeException> work) {
        if (closing) {
            throw new RejectedExecutionException("the database writer is shutting down");
        }
        Task<T> task = new Task<>(work, new CompletableFuture<>());
        if (!queue.offer(task)) {
            throw new RejectedExecutionException(
                    "write queue is full (" + MAX_QUEUED_TASKS + " tasks); the database is too slow");
        }
        return task.result();
    }

    private void run() {
        List<Task<?>> batch = new ArrayList<>(maxBatch);
        while (!closing || !queue.isEmpty()) {
            try {
                Task<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                runBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void runBatch(List<Task<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        try {
            jdbi.useTransaction(handle -> {
                for (Task<?> task : batch) {
                    results.add(task.work().withHandle(handle));
                }
            });
        } catch (RuntimeException batchFailure) {
            if (batch.size() > 1) {
                LOG.debug("Batch failed, retrying its tasks one by one size={}", batch.size());
                batch.forEach(this::runAlone);
            } else {
                batch.get(0).result().completeExceptionally(batchFailure);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(results.get(i));
        }
    }

    private <T> void runAlone(Task<T> task) {
        try {
            T value = jdbi.inTransaction((Handle handle) -> task.work().withHandle(handle));
            task.result().complete(value);
        } catch (RuntimeException e) {
            task.result().completeExceptionally(e);
        }
    }

    /** Stops taking tasks, commits every queued one, and waits up to {@code maxWaitMillis}. */
    public void close(long maxWaitMillis) {
        closing = true;
        try {
            thread.join(maxWaitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("Database writer did not drain in time queued={}", queue.size());
        }
    }

    @Override
    public void close() {
        close(10_000);
    }
}
