package io.kanary.notifier;

import java.time.Duration;

/**
 * How hard the notifier tries one delivery before it dead-letters it: up to {@code maxAttempts}
 * tries, waiting {@code initialBackoff} after the first failure and {@code multiplier} times longer
 * after each next one (at most {@code maxBackoff}), each wait moved at random by up to
 * ±{@code jitter} of itself so that notifiers restarted together do not retry in step.
 *
 * @param requestTimeout how long one HTTP request may take before it counts as a failed try
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
                            double jitter, Duration requestTimeout) {
    /** About a minute of trying: 0.5 s, 1 s, 2 s, 4 s, 8 s, 16 s, 30 s between 8 tries. */
    public static final RetrySettings DEFAULTS = new RetrySettings(8, Duration.ofMillis(500), 2.0, Duration.ofSeconds(30),
            0.5, Duration.ofSeconds(10));

    public RetrySettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1 (one try, no retry), was " + maxAttempts);
        }
        if (initialBackoff == null || initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be > 0, was " + initialBackoff);
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1.0, was " + multiplier);
        }
        if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be at least initialBackoff (" + initialBackoff + "), was "
                    + maxBackoff);
        }
        if (jitter < 0.0 || jitter >= 1.0) {
            throw new IllegalArgumentException("jitter must be in [0, 1), was " + jitter);
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be > 0, was " + requestTimeout);
        }
    }

    public RetrySettings withMaxAttempts(int attempts) {
        return new RetrySettings(attempts, initialBackoff, multiplier, maxBackoff, jitter, requestTimeout);
    }

    public RetrySettings withBackoff(Duration initial, Duration max) {
        return new RetrySettings(maxAttempts, initial, multiplier, max, jitter, requestTimeout);
    }
}
