package dev.tollgate.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** Runs calls on several threads that start together, for tests of concurrent requests. */
public final class Concurrently {
    private static final long TIMEOUT_SECONDS = 120;

    private Concurrently() {
    }

    /**
     * Runs {@code call} with the indexes 0 to {@code count - 1}, each on its own thread, released
     * at the same moment, and returns the results in index order.
     */
    public static <T> List<T> run(int count, IntFunction<T> call)
            throws InterruptedException, ExecutionException {
        ExecutorService executor = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(executor.submit(() -> {
                    start.await();
                    return call.apply(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    results.add(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                } catch (TimeoutException e) {
                    throw new AssertionError("A concurrent call did not finish within "
                            + TIMEOUT_SECONDS + " seconds.", e);
                }
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }
}
