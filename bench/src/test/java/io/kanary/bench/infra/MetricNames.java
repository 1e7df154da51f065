package io.kanary.bench.infra;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The metrics rules and dashboards may use, read from {@code infra/prometheus/metric-names.txt}
 * (the one list of them): each name with its type and labels, and the names Prometheus exposes for it.
 */
final class MetricNames {
    static final String FILE = "prometheus/metric-names.txt";

    enum Type {
        COUNTER(List.of("")),
        GAUGE(List.of("")),
        /** A Micrometer timer without a histogram. */
        TIMER(List.of("_count", "_sum", "_max")),
        /** A Micrometer timer with its percentiles histogram on. */
        HISTOGRAM(List.of("_count", "_sum", "_max", "_bucket"));

        final List<String> suffixes;

        Type(List<String> suffixes) {
            this.suffixes = suffixes;
        }
    }

    record Metric(String name, Type type, Set<String> labels) {
    }

    /** An exposed series name and the metric it belongs to. */
    record Exposed(String name, Metric metric) {
        boolean isBucket() {
            return name.endsWith("_bucket");
        }
    }

    private final Map<String, Metric> metrics;

    private MetricNames(Map<String, Metric> metrics) {
        this.metrics = metrics;
    }

    static MetricNames load() {
        return parse(InfraDir.read(FILE));
    }

    static MetricNames parse(String text) {
        Map<String, Metric> metrics = new LinkedHashMap<>();
        int lineNumber = 0;
        for (String line : text.lines().toList()) {
            lineNumber++;
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            String[] fields = stripped.split("\\s+");
            if (fields.length != 3) {
                throw new IllegalArgumentException(FILE + " line " + lineNumber + " is not '<name> <type> <labels|->': " + line);
            }
            Type type;
            try {
                type = Type.valueOf(fields[1].toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(FILE + " line " + lineNumber + ": unknown type " + fields[1]
                        + "; use one of counter, gauge, timer, histogram", e);
            }
            Set<String> labels = fields[2].equals("-") ? Set.of() : Set.copyOf(Arrays.asList(fields[2].split(",")));
            if (metrics.put(fields[0], new Metric(fields[0], type, labels)) != null) {
                throw new IllegalArgumentException(FILE + " line " + lineNumber + ": " + fields[0] + " is listed twice");
            }
        }
        return new MetricNames(metrics);
    }

    List<Metric> all() {
        return List.copyOf(metrics.values());
    }

    /** The metric {@code seriesName} is exposed for ({@code kanary_probe_duration_seconds_bucket}: the probe timer). */
    Optional<Exposed> exposed(String seriesName) {
        for (Metric metric : metrics.values()) {
            for (String suffix : metric.type().suffixes) {
                if (seriesName.equals(metric.name() + suffix)) {
                    return Optional.of(new Exposed(seriesName, metric));
                }
            }
        }
        return Optional.empty();
    }

    /** Every series name the listed metrics expose. */
    List<String> exposedNames() {
        List<String> out = new ArrayList<>();
        for (Metric metric : metrics.values()) {
            for (String suffix : metric.type().suffixes) {
                out.add(metric.name() + suffix);
            }
        }
        return out;
    }
}
