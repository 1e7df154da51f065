package io.kanary.bench;

import java.util.List;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * What a list of timings (in milliseconds) comes to: how many, median, p90, min and max.
 *
 * <p>The median of an even count is the mean of the two middle values (commons-math's {@link Median});
 * p90 is the nearest-rank percentile ({@link Quantiles#nearestRank}: the smallest value with at least
 * 90% of the values at or below it), so it is always a value that was measured.
 */
public record Summary(int runs, double median, double p90, double min, double max) {

    public static Summary of(List<Double> millis) {
        if (millis.isEmpty()) {
            throw new IllegalArgumentException("no timings to summarise");
        }
        double[] values = millis.stream().mapToDouble(Double::doubleValue).toArray();
        DescriptiveStatistics stats = new DescriptiveStatistics(values);
        return new Summary(values.length, new Median().evaluate(values), Quantiles.nearestRank(values, 0.9),
                stats.getMin(), stats.getMax());
    }
}
