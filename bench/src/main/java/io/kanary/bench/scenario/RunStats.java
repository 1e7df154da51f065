package io.kanary.bench.scenario;

import java.util.Arrays;
import java.util.List;

/** Percentiles of times that may be "never", and binomial upper bounds for rare events. */
public final class RunStats {
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
        long[] sorted = millis.stream().mapToLong(m -> m == null ? Long.MAX_VALUE : m).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        long value = sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        return value == Long.MAX_VALUE ? null : value;
    }

    /**
     * The one-sided 95% Clopper-Pearson upper bound of a rate seen {@code k} times in {@code n}
     * runs: the p at which seeing at most k has probability 5%. For k = 0 it is 1 − 0.05^(1/n),
     * about 3/n (the rule of three).
     */
    public static double upper95(int k, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("no runs");
        }
        if (k >= n) {
            return 1;
        }
        double lo = (double) k / n;
        double hi = 1;
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (binomialCdf(k, n, mid) > 0.05) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** P(X ≤ k) for X ~ Binomial(n, p), summed in log space so large n do not underflow. */
    static double binomialCdf(int k, int n, double p) {
        if (p <= 0) {
            return 1;
        }
        if (p >= 1) {
            return k >= n ? 1 : 0;
        }
        double logTerm = n * Math.log1p(-p);
        double logOdds = Math.log(p) - Math.log1p(-p);
        double sum = 0;
        for (int i = 0; i <= k; i++) {
            sum += Math.exp(logTerm);
            logTerm += Math.log((double) (n - i) / (i + 1)) + logOdds;
        }
        return Math.min(1, sum);
    }
}
