package io.kanary.bench.broker;

import io.kanary.bench.Quantiles;
import java.util.List;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/**
 * What a list of latencies (in milliseconds) comes to: how many, median, p90, p99 and max. Every
 * quantile is taken by nearest rank ({@link Quantiles#nearestRank}: the smallest value with at least
 * that share of the values at or below it), so each is a latency that was measured; the median of an
 * even count is the lower of the two middle values.
 */
public record LatencySummary(int count, double median, double p90, double p99, double max) {

    public static LatencySummary of(List<Double> millis) {
        if (millis.isEmpty()) {
            throw new IllegalArgumentException("no latencies to summarise");
        }
        double[] values = millis.stream().mapToDouble(Double::doubleValue).toArray();
        return new LatencySummary(values.length, Quantiles.nearestRank(values, 0.5), Quantiles.nearestRank(values, 0.9),
                Quantiles.nearestRank(values, 0.99), new DescriptiveStatistics(values).getMax());
    }
}
