package io.kanary.dashboard;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the dashboard needs, in one place.
 *
 * @param kafka         Kafka client properties (bootstrap servers and security); the dashboard's consumers
 *                      join no group and commit nothing
 * @param httpHost      the address the page is served on
 * @param httpPort      its port (0: a free one)
 * @param plannerUrl    the planner's API, e.g. {@code http://127.0.0.1:8080}, where the buttons' requests go;
 *                      null when unknown (the buttons then say how to set it)
 * @param metricWindow  the sliding window over which the new and the baseline version's error rate and p99 are computed
 * @param pushInterval  how often each browser gets the current state (and the charts a new point)
 * @param chartPoints   how many points of each deployment's charts are kept
 * @param meterRegistry where {@code kanary_dashboard_clients} is registered
 */
public record DashboardConfig(Map<String, Object> kafka, String httpHost, int httpPort, String plannerUrl,
                              Duration metricWindow, Duration pushInterval, int chartPoints, MeterRegistry meterRegistry) {
    public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    public static final int DEFAULT_HTTP_PORT = 8081;
    public static final Duration DEFAULT_METRIC_WINDOW = Duration.ofSeconds(10);
    public static final Duration DEFAULT_PUSH_INTERVAL = Duration.ofMillis(500);
    /** Five minutes of points at the default push interval. */
    public static final int DEFAULT_CHART_POINTS = 600;

    public DashboardConfig {
        kafka = Map.copyOf(kafka);
        if (metricWindow.isNegative() || metricWindow.isZero()) {
            throw new IllegalArgumentException("metricWindow must be positive, was " + metricWindow);
        }
        if (pushInterval.toMillis() < 10) {
            throw new IllegalArgumentException("pushInterval must be at least 10 ms, was " + pushInterval);
        }
        plannerUrl = plannerUrl == null || plannerUrl.isBlank() ? null : plannerUrl.replaceAll("/+$", "");
    }

    /** On 127.0.0.1:8081, a 10 s window, no planner known, a fresh {@link SimpleMeterRegistry}. */
    public static DashboardConfig defaults(Map<String, Object> kafka) {
        return new DashboardConfig(kafka, DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, null, DEFAULT_METRIC_WINDOW,
                DEFAULT_PUSH_INTERVAL, DEFAULT_CHART_POINTS, new SimpleMeterRegistry());
    }

    public DashboardConfig withHttpHost(String host) {
        return new DashboardConfig(kafka, host, httpPort, plannerUrl, metricWindow, pushInterval, chartPoints, meterRegistry);
    }

    public DashboardConfig withHttpPort(int port) {
        return new DashboardConfig(kafka, httpHost, port, plannerUrl, metricWindow, pushInterval, chartPoints, meterRegistry);
    }

    public DashboardConfig withPlannerUrl(String url) {
        return new DashboardConfig(kafka, httpHost, httpPort, url, metricWindow, pushInterval, chartPoints, meterRegistry);
    }

    public DashboardConfig withMetricWindow(Duration window) {
        return new DashboardConfig(kafka, httpHost, httpPort, plannerUrl, window, pushInterval, chartPoints, meterRegistry);
    }

    public DashboardConfig withMeterRegistry(MeterRegistry registry) {
        return new DashboardConfig(kafka, httpHost, httpPort, plannerUrl, metricWindow, pushInterval, chartPoints, registry);
    }
}
