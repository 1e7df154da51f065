package io.kanary.bench;

import java.util.List;

/**
 * What a list of timings (in milliseconds) comes to: how many, median, p90, min and max.
 *
 * <p>The median of an even count is the mean of the two middle values; p90 is the nearest-rank
 * percentile (the smallest value with at least 90% of the values at or below it), so it is always
 * a value that was measured.
 */
public record Summary(int runs, double median, double p90, double min, double max) {

    public static Summary of(List<Double> millis) {
        if (millis.isEmpty()) {
            throw new IllegalArgumentException("no timings to summarise");
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Summary(sorted.length, median(sorted), percentile(sorted, 90), sorted[0], sorted[sorted.length - 1]);
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Nearest rank: the ceil(p/100 × n)-th smallest value. */
    static double percentile(double[] sorted, int p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("a percentile lies in (0, 100], was " + p);
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
