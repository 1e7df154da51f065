package io.kanary.bench.scenario;

import io.kanary.bench.Quantiles;
import java.util.List;
import org.apache.commons.math3.distribution.BetaDistribution;

/** Percentiles of times that may be "never", and binomial upper bounds for rare events. */
public final class RunStats {
    private static final double NEVER = Double.MAX_VALUE;

    private RunStats() {
    }

    /**
     * The {@code q}-quantile (nearest rank) of {@code millis}, where null means "never happened" and
     * sorts after every time; null when the quantile falls among those.
     */
    public static Long quantile(List<Long> millis, double q) {
        if (millis.isEmpty()) {
            return null;
        }
        // "Never" as the largest double, not infinity: between two infinities commons-math computes
        // 0 × (∞ − ∞) = NaN.
        double[] values = millis.stream().mapToDouble(m -> m == null ? NEVER : m).toArray();
        double value = Quantiles.nearestRank(values, q);
        return value == NEVER ? null : (long) value;
    }

    /**
     * The one-sided 95% Clopper-Pearson upper bound of a rate seen {@code k} times in {@code n}
     * runs: the p at which seeing at most k has probability 5%, the 0.95-quantile of Beta(k + 1, n − k).
     * For k = 0 it is 1 − 0.05^(1/n), about 3/n (the rule of three).
     */
    public static double upper95(int k, int n) {
        if (n <= 0 || k < 0 || k > n) {
            throw new IllegalArgumentException(k + " of " + n + " runs is no count of runs");
        }
        // No sampling, so no random generator (the default one is a freshly seeded Mersenne twister).
        return k == n ? 1 : new BetaDistribution(null, k + 1, n - k).inverseCumulativeProbability(0.95);
    }
}
