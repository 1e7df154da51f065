package io.kanary.health.probe;

import io.kanary.schema.ProbeResult;
import java.time.Instant;

/**
 * What one probe saw.
 *
 * @param ok         the instance answered as its check expects (by default: 2xx)
 * @param statusCode the HTTP status, or 0 when no answer came
 * @param latencyMs  from sending the request to the answer (or to giving up)
 * @param probedAt   when the request was sent
 * @param error      why the probe failed: no answer came, or the expectation the answer missed; else null
 * @param skipped    why the probe was not sent (or its outcome is no evidence), else null: see {@link #skipped(Instant)}
 */
public record ProbeOutcome(boolean ok, int statusCode, long latencyMs, Instant probedAt, String error, String skipped) {

    public ProbeOutcome(boolean ok, int statusCode, long latencyMs, Instant probedAt, String error) {
        this(ok, statusCode, latencyMs, probedAt, error, null);
    }

    /**
     * A probe the watcher could not send on time, or whose answer it could not read on time: the
     * watcher's own overload, which says nothing about the instance.
     */
    public static ProbeOutcome skipped(Instant dueAt) {
        return new ProbeOutcome(false, 0, 0, dueAt, null, ProbeResult.WATCHER_OVERLOADED);
    }

    /** Whether the probe was skipped rather than answered or missed. */
    public boolean wasSkipped() {
        return skipped != null;
    }

    static ProbeOutcome answered(int statusCode, long latencyMs, Instant probedAt) {
        return new ProbeOutcome(statusCode >= 200 && statusCode < 300, statusCode, latencyMs, probedAt, null);
    }

    /** An answer that missed an expectation of the instance's health check, named by {@code reason}. */
    static ProbeOutcome missed(int statusCode, long latencyMs, Instant probedAt, String reason) {
        return new ProbeOutcome(false, statusCode, latencyMs, probedAt, reason);
    }

    static ProbeOutcome noAnswer(String error, long latencyMs, Instant probedAt) {
        return new ProbeOutcome(false, 0, latencyMs, probedAt, error);
    }

    /** A failure's message for an outcome's error, its class name when it has none. */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }

    /** Milliseconds since {@code sentNanos} (a System.nanoTime reading), never negative. */
    static long elapsedMs(long sentNanos) {
        return Math.max(0, (System.nanoTime() - sentNanos) / 1_000_000);
    }
}
