package io.kanary.schema;

/**
 * Where and how the health-watcher reads an instance's own request metrics, so the breach-detector
 * can judge real traffic beside the probes. Every field has a default: the conventions of
 * Micrometer's {@code http_server_requests_seconds} timer in Prometheus' text format. For the
 * Prometheus clients' conventions set {@code requestsMetric} to {@code http_requests_total} and
 * {@code latencyMetric} to {@code http_request_duration_seconds_bucket}.
 *
 * @param path           the metrics endpoint's path on the instance's address (the health check's host and port)
 * @param intervalMs     how often it is read; each read becomes one sample of the counts since the last
 * @param requestsMetric the counter of finished requests, with a status label
 * @param latencyMetric  the latency histogram's bucket series, in seconds, with an {@code le} label
 * @param statusLabel    the label that carries the HTTP status on both
 * @param errorStatus    a regular expression: a request whose status matches it failed
 */
public record TrafficSource(String path, Long intervalMs, String requestsMetric, String latencyMetric,
                            String statusLabel, String errorStatus) {
    public static final String DEFAULT_PATH = "/metrics";
    public static final long DEFAULT_INTERVAL_MS = 1_000;
    public static final String DEFAULT_REQUESTS_METRIC = "http_server_requests_seconds_count";
    public static final String DEFAULT_LATENCY_METRIC = "http_server_requests_seconds_bucket";
    public static final String DEFAULT_STATUS_LABEL = "status";
    public static final String DEFAULT_ERROR_STATUS = "5..";

    public TrafficSource {
        path = path == null ? DEFAULT_PATH : path;
        intervalMs = intervalMs == null ? DEFAULT_INTERVAL_MS : intervalMs;
        requestsMetric = requestsMetric == null ? DEFAULT_REQUESTS_METRIC : requestsMetric;
        latencyMetric = latencyMetric == null ? DEFAULT_LATENCY_METRIC : latencyMetric;
        statusLabel = statusLabel == null ? DEFAULT_STATUS_LABEL : statusLabel;
        errorStatus = errorStatus == null ? DEFAULT_ERROR_STATUS : errorStatus;
    }

    /** Micrometer's conventions, read every second from {@code /metrics}. */
    public static TrafficSource defaults() {
        return new TrafficSource(null, null, null, null, null, null);
    }
}
