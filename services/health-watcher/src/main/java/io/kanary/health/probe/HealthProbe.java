package io.kanary.health.probe;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP GET of a health URL, non-blocking, never longer than the timeout. Its future always
 * succeeds: a failure to answer is an outcome to report, not an error of the watcher.
 */
public final class HealthProbe implements AutoCloseable {
    private final WebClient client;
    private final long timeoutMs;

    private HealthProbe(WebClient client, long timeoutMs) {
        this.client = client;
        this.timeoutMs = timeoutMs;
    }

    public static HealthProbe create(Vertx vertx, Duration timeout) {
        WebClientOptions options = new WebClientOptions()
                .setUserAgent("kanary-health-watcher")
                .setFollowRedirects(false);
        return new HealthProbe(WebClient.create(vertx, options), timeout.toMillis());
    }

    public Future<ProbeOutcome> probe(String healthUrl) {
        Instant probedAt = Instant.now();
        long sentNanos = System.nanoTime();
        try {
            return client.getAbs(healthUrl)
                    .connectTimeout(timeoutMs)
                    .idleTimeout(timeoutMs)
                    .send()
                    // connect and idle timeouts alone would let a server that trickles bytes hold a probe open
                    .timeout(timeoutMs, TimeUnit.MILLISECONDS)
                    .map(response -> ProbeOutcome.answered(response.statusCode(), elapsedMs(sentNanos), probedAt))
                    .otherwise(failure -> ProbeOutcome.noAnswer(describe(failure), elapsedMs(sentNanos), probedAt));
        } catch (RuntimeException badUrl) {
            return Future.succeededFuture(ProbeOutcome.noAnswer("invalid health URL '" + healthUrl + "': "
                    + badUrl.getMessage(), 0, probedAt));
        }
    }

    private String describe(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return "no answer within " + timeoutMs + " ms";
        }
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }

    private static long elapsedMs(long sentNanos) {
        return Math.max(0, (System.nanoTime() - sentNanos) / 1_000_000);
    }

    @Override
    public void close() {
        client.close();
    }
}
