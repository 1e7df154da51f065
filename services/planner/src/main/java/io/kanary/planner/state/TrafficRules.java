package io.kanary.planner.state;

import io.kanary.schema.Policy;
import io.kanary.schema.TrafficSource;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The rules of a policy's traffic source and of the settings that judge it: what the health-watcher
 * must be able to read and match, refused here rather than failing on every read later.
 */
final class TrafficRules {
    /** Prometheus' metric names: letters, digits, '_' and ':', not starting with a digit. */
    static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    /** Prometheus' label names: letters, digits and '_', not starting with a digit. */
    static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** Reading an instance's metrics more often than this costs it more than the evidence is worth. */
    static final long MIN_INTERVAL_MS = 100;

    private TrafficRules() {
    }

    static void validate(Policy p, List<Violation> out) {
        if (!(p.maxMedianRatio() >= 1)) {
            out.add(new Violation("policy.maxMedianRatio", "must be at least 1, e.g. 1.5 for half again the baseline's"
                    + " median; was " + p.maxMedianRatio()));
        }
        if (p.evidenceWaitMs() < 1) {
            out.add(new Violation("policy.evidenceWaitMs", "must be at least 1 (ms), e.g. 120000 for two minutes; was "
                    + p.evidenceWaitMs()));
        }
        if (p.traffic() != null) {
            validate(p.traffic(), out);
        }
    }

    private static void validate(TrafficSource t, List<Violation> out) {
        if (!t.path().startsWith("/")) {
            out.add(new Violation("policy.traffic.path", "must start with '/', e.g. \"/metrics\"; was \"" + t.path() + "\""));
        }
        if (t.intervalMs() < MIN_INTERVAL_MS) {
            out.add(new Violation("policy.traffic.intervalMs", "must be at least " + MIN_INTERVAL_MS + " (ms); was "
                    + t.intervalMs()));
        }
        metricName("policy.traffic.requestsMetric", t.requestsMetric(), "http_server_requests_seconds_count", out);
        metricName("policy.traffic.latencyMetric", t.latencyMetric(), "http_server_requests_seconds_bucket", out);
        if (!LABEL_NAME.matcher(t.statusLabel()).matches()) {
            out.add(new Violation("policy.traffic.statusLabel", "must be a Prometheus label name (letters, digits and"
                    + " '_', not starting with a digit), e.g. \"status\" or \"code\"; was \"" + t.statusLabel() + "\""));
        }
        try {
            Pattern.compile(t.errorStatus());
        } catch (PatternSyntaxException e) {
            out.add(new Violation("policy.traffic.errorStatus", "must be a regular expression, e.g. \"5..\"; \""
                    + t.errorStatus() + "\" is not one (" + e.getDescription() + ")"));
        }
    }

    private static void metricName(String field, String name, String example, List<Violation> out) {
        if (!METRIC_NAME.matcher(name).matches()) {
            out.add(new Violation(field, "must be a Prometheus metric name (letters, digits, '_' and ':', not starting"
                    + " with a digit), e.g. \"" + example + "\"; was \"" + name + "\""));
        }
    }
}
