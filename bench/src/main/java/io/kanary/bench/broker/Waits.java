package io.kanary.bench.broker;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Bounded waits for the harness (main code, so no Awaitility): a condition polled every few ms. */
final class Waits {
    private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

    private Waits() {
    }

    /** Returns once {@code condition} holds; throws after {@code timeout}, naming {@code what} it waited for. */
    static void until(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what);
            }
        }
    }
}
