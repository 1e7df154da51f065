package io.kanary.health.probe;

import io.kanary.checks.HttpExpectations;
import io.kanary.schema.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP GET of a health URL, non-blocking, never longer than the timeout. Its future always
 * succeeds: a failure to answer is an outcome to report, not an error of the watcher.
 *
 * <p>The connection pool is Vert.x's per endpoint (host and port), and every instance has one of its
 * own. The watcher has at most one probe of an instance in flight; a probe given up at its timeout
 * may hold its connection up to one more timeout (the idle timeout closes it). So an instance needs
 * at most two connections, and {@value #CONNECTIONS_PER_ENDPOINT} leave room for a few instances
 * behind one address: a probe never waits for a connection, where Vert.x's default of 5 made a slow
 * instance's probes queue behind each other and time out.
 */
public final class HealthProbe implements AutoCloseable {
    /** HTTP/1 connections kept per endpoint: two per instance, for up to four instances sharing an address. */
    public static final int CONNECTIONS_PER_ENDPOINT = 8;

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
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_ENDPOINT);
        return new HealthProbe(WebClient.create(vertx, options, pool), timeout.toMillis());
    }

    public Future<ProbeOutcome> probe(String healthUrl) {
        return probe(healthUrl, null, timeoutMs);
    }

    /**
     * GETs {@code url} within {@code timeoutMs} and judges the answer by {@code check}'s expected
     * status and body (null: any 2xx passes).
     */
    public Future<ProbeOutcome> probe(String url, HealthCheck.Http check, long timeoutMs) {
        Instant probedAt = Instant.now();
        long sentNanos = System.nanoTime();
        try {
            return client.getAbs(url)
                    .connectTimeout(timeoutMs)
                    .idleTimeout(timeoutMs)
                    .send()
                    // connect and idle timeouts alone would let a server that trickles bytes hold a probe open
                    .timeout(timeoutMs, TimeUnit.MILLISECONDS)
                    .map(response -> judge(check, response, ProbeOutcome.elapsedMs(sentNanos), probedAt))
                    .otherwise(failure -> ProbeOutcome.noAnswer(describe(failure, timeoutMs), ProbeOutcome.elapsedMs(sentNanos),
                            probedAt));
        } catch (RuntimeException badUrl) {
            return Future.succeededFuture(ProbeOutcome.noAnswer("invalid health URL '" + url + "': "
                    + badUrl.getMessage(), 0, probedAt));
        }
    }

    private static ProbeOutcome judge(HealthCheck.Http check, HttpResponse<Buffer> response, long latencyMs,
                                      Instant probedAt) {
        if (check == null) {
            return ProbeOutcome.answered(response.statusCode(), latencyMs, probedAt);
        }
        return HttpExpectations.failure(check, response.statusCode(), response.bodyAsString())
                .map(reason -> ProbeOutcome.missed(response.statusCode(), latencyMs, probedAt, reason))
                .orElseGet(() -> new ProbeOutcome(true, response.statusCode(), latencyMs, probedAt, null));
    }

    private static String describe(Throwable failure, long timeoutMs) {
        if (failure instanceof TimeoutException) {
            return "no answer within " + timeoutMs + " ms";
        }
        return ProbeOutcome.describe(failure);
    }

    @Override
    public void close() {
        client.close();
    }
}
