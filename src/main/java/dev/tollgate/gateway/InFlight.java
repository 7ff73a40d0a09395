package dev.tollgate.gateway;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts gateway requests in flight so that shutdown can stop new ones and wait, for a bounded
 * time, until the running ones have finished and settled. Thread-safe.
 */
public final class InFlight {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int running;
    private boolean closed;

    /** Registers a request; returns false once shutdown began. */
    boolean enter() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            running++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    void exit() {
        lock.lock();
        try {
            running--;
            if (running == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new requests and waits up to {@code maxWait} for the running ones to finish. */
    public int closeAndAwait(Duration maxWait) {
        lock.lock();
        try {
            closed = true;
            long remainingNanos = maxWait.toNanos();
            while (running > 0 && remainingNanos > 0) {
                remainingNanos = idle.awaitNanos(remainingNanos);
            }
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** The number of requests running now. */
    public int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }
}
