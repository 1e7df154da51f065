package io.kanary.bench.broker;

import java.util.List;

/**
 * What a list of latencies (in milliseconds) comes to: how many, median, p90, p99 and max. Every
 * quantile is taken by nearest rank (the smallest value with at least that share of the values at
 * or below it), so each is a latency that was measured; the median of an even count is the lower
 * of the two middle values.
 */
public record LatencySummary(int count, double median, double p90, double p99, double max) {

    public static LatencySummary of(List<Double> millis) {
        if (millis.isEmpty()) {
            throw new IllegalArgumentException("no latencies to summarise");
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new LatencySummary(sorted.length, quantile(sorted, 0.5), quantile(sorted, 0.9), quantile(sorted, 0.99),
                sorted[sorted.length - 1]);
    }

    /** Nearest rank: the ceil(q × n)-th smallest of {@code sorted}. */
    static double quantile(double[] sorted, double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("a quantile lies in (0, 1], was " + q);
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
