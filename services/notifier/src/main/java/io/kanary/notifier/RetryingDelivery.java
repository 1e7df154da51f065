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

    RetryingDelivery(String name, String target, RetrySettings settings, NotifierMetrics metrics) {
        RetryConfig config = RetryConfig.<HttpAttempt>custom()
                .maxAttempts(settings.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(),
                        settings.multiplier(), settings.jitter(), settings.maxBackoff()))
                .retryOnResult(HttpAttempt::retryable)
                .retryOnException(e -> false)
                .failAfterMaxAttempts(false)
                .build();
        this.retry = Retry.of(name, config);
        retry.getEventPublisher().onRetry(event -> metrics.delivery(target, NotifierMetrics.RETRIED));
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
