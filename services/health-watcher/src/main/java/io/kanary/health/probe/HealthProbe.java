package io.kanary.health.probe;

import io.kanary.checks.HttpExpectations;
import io.kanary.schema.HealthCheck;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
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
 * closes its connection. So an instance needs one kept-alive connection, and
 * {@value #CONNECTIONS_PER_ENDPOINT} leave room for a few instances behind one address: a probe
 * never waits for a connection, where Vert.x's default of 5 made a slow instance's probes queue
 * behind each other and time out.
 *
 * <p>It speaks Vert.x's core HTTP client rather than the WebClient: a probe is resolved once per
 * instance into a {@link Target} (no URL parsed per probe), and the moment its request is written
 * is visible, which is where its latency starts.
 */
public final class HealthProbe implements AutoCloseable {
    /** HTTP/1 connections kept per endpoint: two per instance, for up to four instances sharing an address. */
    public static final int CONNECTIONS_PER_ENDPOINT = 8;
    private static final MultiMap HEADERS = MultiMap.caseInsensitiveMultiMap()
            .add(HttpHeaders.USER_AGENT, "kanary-health-watcher");

    private final HttpClientAgent client;
    private final long timeoutMs;

    private HealthProbe(HttpClientAgent client, long timeoutMs) {
        this.client = client;
        this.timeoutMs = timeoutMs;
    }

    /**
     * A probe client on the caller's context: create it in a verticle's {@code start()} so that its
     * connections and callbacks stay on that verticle's event loop.
     */
    public static HealthProbe create(Vertx vertx, Duration timeout) {
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                // A probe's request is tiny: written at once rather than held back by Nagle.
                .setTcpNoDelay(true);
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_ENDPOINT);
        return new HealthProbe(vertx.createHttpClient(options, pool), timeout.toMillis());
    }

    /** What to GET and how to judge it, resolved once per instance. */
    public static final class Target {
        private final RequestOptions request;
        private final HealthCheck.Http check;
        private final long timeoutMs;
        private final String invalid;

        private Target(RequestOptions request, HealthCheck.Http check, long timeoutMs, String invalid) {
            this.request = request;
            this.check = check;
            this.timeoutMs = timeoutMs;
            this.invalid = invalid;
        }

        public long timeoutMs() {
            return timeoutMs;
        }
    }

    /** GET {@code url} within {@code timeoutMs}, judged by {@code check}'s expected status and body (null: any 2xx). */
    public Target target(String url, HealthCheck.Http check, long timeoutMs) {
        try {
            RequestOptions request = new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setAbsoluteURI(url)
                    .setHeaders(HEADERS)
                    .setFollowRedirects(false)
                    .setConnectTimeout(timeoutMs)
                    .setIdleTimeout(timeoutMs);
            return new Target(request, check, timeoutMs, null);
        } catch (RuntimeException badUrl) {
            return new Target(null, check, timeoutMs, "invalid health URL '" + url + "': " + badUrl.getMessage());
        }
    }

    public Future<ProbeOutcome> probe(String healthUrl) {
        return probe(healthUrl, null, timeoutMs);
    }

    public Future<ProbeOutcome> probe(String url, HealthCheck.Http check, long timeoutMs) {
        return probe(target(url, check, timeoutMs));
    }

    /** One probe of {@code target}. */
    public Future<ProbeOutcome> probe(Target target) {
        if (target.invalid != null) {
            return Future.succeededFuture(ProbeOutcome.noAnswer(target.invalid, 0, Instant.now()));
        }
        return new Call(target).start();
    }

    /**
     * One probe on its way. Its latency runs from the moment the request is written on a connection
     * (the pool handed one over: {@link #send}), not from when the probe was asked for: the time a
     * probe waits in the watcher (a late timer, a busy event loop, a connection being opened) is the
     * watcher's, not the instance's. Its timeout runs from the same moment; getting a connection is
     * bounded by the connect timeout.
     */
    private final class Call {
        private final Target target;
        private final long askedNanos = System.nanoTime();
        private long sentNanos;
        private Instant probedAt;
        private HttpClientRequest request;

        Call(Target target) {
            this.target = target;
        }

        Future<ProbeOutcome> start() {
            return client.request(target.request)
                    .compose(this::send)
                    .otherwise(this::failed);
        }

        private Future<ProbeOutcome> send(HttpClientRequest request) {
            this.request = request;
            sentNanos = System.nanoTime();
            probedAt = Instant.now();
            return request.send()
                    .compose(this::read)
                    // connect and idle timeouts alone would let a server that trickles bytes hold a probe open
                    .timeout(target.timeoutMs, TimeUnit.MILLISECONDS);
        }

        private Future<ProbeOutcome> read(HttpClientResponse response) {
            if (target.check == null) {
                // No expectation on the body: read it to its end (the connection is reused) without keeping it.
                return response.end().map(v -> ProbeOutcome.answered(response.statusCode(), elapsedMs(), probedAt));
            }
            return response.body().map(body -> judge(response.statusCode(), body));
        }

        private ProbeOutcome judge(int statusCode, Buffer body) {
            long latencyMs = elapsedMs();
            return HttpExpectations.failure(target.check, statusCode, body.toString())
                    .map(reason -> ProbeOutcome.missed(statusCode, latencyMs, probedAt, reason))
                    .orElseGet(() -> new ProbeOutcome(true, statusCode, latencyMs, probedAt, null));
        }

        private ProbeOutcome failed(Throwable failure) {
            if (request != null && failure instanceof TimeoutException) {
                // Given up: close the connection rather than hand a half-read one back to the pool.
                request.reset();
            }
            long latencyMs = elapsedMs();
            return ProbeOutcome.noAnswer(describe(failure, target.timeoutMs), latencyMs,
                    probedAt != null ? probedAt : Instant.now().minusMillis(latencyMs));
        }

        /** From the request written, or (when it never was) from the probe asked for: a connection that never came. */
        private long elapsedMs() {
            return ProbeOutcome.elapsedMs(request != null ? sentNanos : askedNanos);
        }
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
