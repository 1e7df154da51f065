package io.kanary.health.traffic;

import io.kanary.schema.TrafficSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One read of an instance's request metrics, as a source maps them: the value of each series of
 * its requests counter (which of them count failed requests) and of each latency bucket series.
 * Series are told apart by their whole label set, as Prometheus tells them apart: a counter reset
 * is seen per series.
 *
 * @param requests request counter series → value
 * @param failing  the request counter series whose status label matches the source's error status
 * @param buckets  latency bucket series → their {@code le} (seconds) and value
 */
public record TrafficReading(Map<Map<String, String>, Double> requests, Set<Map<String, String>> failing,
                             Map<Map<String, String>, Bucket> buckets) {

    /** A latency bucket series' upper bound in seconds (+Inf for the last) and its count. */
    public record Bucket(double leSeconds, double count) {
    }

    public TrafficReading {
        requests = Map.copyOf(requests);
        failing = Set.copyOf(failing);
        buckets = Map.copyOf(buckets);
    }

    /** How a {@link TrafficSource} is read: its metric names and a compiled error-status pattern. */
    public record Mapping(String requestsMetric, String latencyMetric, String statusLabel, Pattern errorStatus) {
        public static Mapping of(TrafficSource source) {
            return new Mapping(source.requestsMetric(), source.latencyMetric(), source.statusLabel(),
                    Pattern.compile(source.errorStatus()));
        }

        /** Whether a metric name is one this mapping reads. */
        public boolean wants(String name) {
            return name.equals(requestsMetric) || name.equals(latencyMetric);
        }
    }

    /**
     * The reading in {@code exposition}; NaN values are left out (a series that cannot be counted).
     *
     * @throws PrometheusText.FormatException when a line of a mapped metric is not in the format, or
     *                                        a bucket has no numeric {@code le}
     */
    public static TrafficReading parse(CharSequence exposition, Mapping mapping) {
        return of(PrometheusText.parse(exposition, mapping::wants), mapping);
    }

    static TrafficReading of(List<PrometheusText.Sample> samples, Mapping mapping) {
        Map<Map<String, String>, Double> requests = new HashMap<>();
        Set<Map<String, String>> failing = new HashSet<>();
        Map<Map<String, String>, Bucket> buckets = new HashMap<>();
        for (PrometheusText.Sample sample : samples) {
            if (Double.isNaN(sample.value())) {
                continue;
            }
            if (sample.name().equals(mapping.requestsMetric())) {
                requests.put(sample.labels(), sample.value());
                String status = sample.labels().get(mapping.statusLabel());
                if (status != null && mapping.errorStatus().matcher(status).matches()) {
                    failing.add(sample.labels());
                }
            }
            if (sample.name().equals(mapping.latencyMetric())) {
                buckets.put(sample.labels(), new Bucket(leOf(sample), sample.value()));
            }
        }
        return new TrafficReading(requests, failing, buckets);
    }

    private static double leOf(PrometheusText.Sample sample) {
        String le = sample.labels().get("le");
        try {
            double seconds = le == null ? Double.NaN : PrometheusText.number(le);
            if (Double.isNaN(seconds) || seconds < 0) {
                throw new NumberFormatException();
            }
            return seconds;
        } catch (NumberFormatException e) {
            throw new PrometheusText.FormatException(0, "a " + sample.name() + " series has no bucket bound le"
                    + " (a number of seconds or +Inf), was " + (le == null ? "missing" : "'" + le + "'"));
        }
    }
}
