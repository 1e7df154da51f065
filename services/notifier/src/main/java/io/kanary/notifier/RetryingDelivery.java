package io.kanary.notifier;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

/**
 * Tries one request to a target until it is answered 2xx, refused for good (a 4xx other than 429)
 * or out of tries, waiting an exponential back-off with jitter between tries. Resilience4j's retry
 * does the counting and the waiting (well kept, and its interval functions already have the
 * jitter); the wait blocks the calling thread, which is the target's own feed thread: a target
 * waiting to be retried holds up only itself.
 */
final class RetryingDelivery {
    /** One try: an HTTP request built afresh and sent. */
    @FunctionalInterface
    interface Attempt {
        HttpAttempt send() throws InterruptedException;
    }

    private final Retry retry;
    private final IntervalFunction backoff;
    private final java.time.Duration maxBackoff;

    RetryingDelivery(String name, String target, RetrySettings settings, NotifierMetrics metrics) {
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), settings.multiplier(),
                settings.jitter(), settings.maxBackoff());
        this.maxBackoff = settings.maxBackoff();
        RetryConfig config = RetryConfig.<HttpAttempt>custom()
                .maxAttempts(settings.maxAttempts())
                .intervalBiFunction((attempt, last) -> waitMillis(attempt, last.isRight() ? last.get() : null))
                .retryOnResult(HttpAttempt::retryable)
                .retryOnException(e -> false)
                .failAfterMaxAttempts(false)
                .build();
        this.retry = Retry.of(name, config);
        retry.getEventPublisher().onRetry(event -> metrics.delivery(target, NotifierMetrics.RETRIED));
    }

    /**
     * The wait before try {@code attempt + 1}: the back-off, or longer when the target asked for it
     * with {@code Retry-After} (a 429 or 503 says when it can take more), but never past the
     * longest back-off, so one target cannot park its feed for an hour.
     */
    long waitMillis(int attempt, HttpAttempt last) {
        long wait = backoff.apply(attempt);
        if (last != null && last.retryAfter() != null) {
            wait = Math.max(wait, Math.min(last.retryAfter().toMillis(), maxBackoff.toMillis()));
        }
        return wait;
    }

    /** The last try's outcome: delivered, refused for good, or still failing after the last try. */
    HttpAttempt deliver(Attempt attempt) throws InterruptedException {
        try {
            return Retry.decorateCheckedSupplier(retry, attempt::send).get();
        } catch (InterruptedException e) {
            throw e;
        } catch (Throwable e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted between tries");
            }
            return HttpAttempt.noAnswer(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
