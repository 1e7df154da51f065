package io.kanary.bench.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * When each run's alert first fired, from a range query over Prometheus's {@code ALERTS} series.
 * The query asks for {@code timestamp(ALERTS{...})} rather than the series itself: each point's
 * value is then the timestamp of the sample it stands for, i.e. the rule evaluation that wrote it,
 * so the time is exact even though the query's steps need not line up with the evaluations. With
 * the step equal to the evaluation interval no firing evaluation is skipped (each step sees the
 * latest one, and a resolved alert's stale marker hides it from the next).
 */
final class AlertFirings {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertFirings() {
    }

    static String promql(String alert) {
        return "timestamp(ALERTS{alertname=\"" + alert + "\",alertstate=\"firing\"})";
    }

    /**
     * From a {@code /api/v1/query_range} answer of {@link #promql}: per value of {@code label} (the
     * run), the earliest firing evaluation. Runs whose alert never fired are absent.
     */
    static Map<String, Instant> firstFiring(String json, String label) {
        JsonNode root = read(json);
        Map<String, Instant> first = new TreeMap<>();
        for (JsonNode series : root.path("data").path("result")) {
            JsonNode run = series.path("metric").get(label);
            if (run == null) {
                throw new IllegalStateException("an ALERTS series without label " + label + ": " + series.path("metric"));
            }
            for (JsonNode point : series.path("values")) {
                Instant evaluatedAt = epochSeconds(point.get(1).asText());
                first.merge(run.asText(), evaluatedAt, (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        return first;
    }

    /** The first sample's value of an instant query's answer, or null when the answer is empty. */
    static Double firstValue(String json) {
        JsonNode result = read(json).path("data").path("result");
        if (result.isEmpty()) {
            return null;
        }
        return Double.valueOf(result.get(0).path("value").get(1).asText());
    }

    private static JsonNode read(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            if (!"success".equals(root.path("status").asText())) {
                throw new IllegalStateException("Prometheus answered " + root.path("errorType").asText() + ": "
                        + root.path("error").asText());
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("not a Prometheus API answer: " + json, e);
        }
    }

    /** Prometheus's {@code "1767225600.123"} (seconds, at most millisecond precision) as an instant. */
    static Instant epochSeconds(String seconds) {
        return Instant.ofEpochMilli(new BigDecimal(seconds).movePointRight(3).setScale(0, RoundingMode.HALF_UP)
                .longValueExact());
    }
}
