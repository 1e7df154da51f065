package io.kanary.bench;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.descriptive.rank.Percentile.EstimationType;

/**
 * Quantiles of measured values by nearest rank (Hyndman &amp; Fan's definition 1, commons-math's
 * {@link EstimationType#R_1}): the q-quantile of n values is the ceil(q × n)-th smallest, so it is
 * always a value that was measured, and the median of an even count is the lower middle one.
 */
public final class Quantiles {
    private Quantiles() {
    }

    /** The {@code q}-quantile (0 &lt; q ≤ 1) of {@code values} by nearest rank, in any order. */
    public static double nearestRank(double[] values, double q) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to take a quantile of");
        }
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("a quantile lies in (0, 1], was " + q);
        }
        return new Percentile().withEstimationType(EstimationType.R_1).evaluate(values, q * 100);
    }
}
