package io.kanary.demo;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * The demo app's request metrics, as a Micrometer-instrumented web service has them: a timer
 * {@code http.server.requests} by {@code status} and {@code uri}, exposed in Prometheus' text as
 * {@code http_server_requests_seconds_count} and {@code http_server_requests_seconds_bucket}. Its
 * buckets are explicit service-level objectives from 5 ms to 5 s rather than Micrometer's percentile
 * histogram, which writes some 70 buckets per series: fewer series to read, and bounds a latency
 * policy is written in. One registry per app, so a restarted instance starts counting from zero.
 */
final class RequestMetrics {
    static final String TIMER = "http.server.requests";
    static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2_500), Duration.ofSeconds(5)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A request to {@code uri} answered {@code status} after {@code elapsedNanos}. */
    void served(String uri, int status, long elapsedNanos) {
        Timer.builder(TIMER)
                .description("Requests the demo app served, by status and URI")
                .tags("uri", uri, "status", Integer.toString(status))
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(Duration.ofNanos(elapsedNanos));
    }
}
