package io.kanary.detector.baseline;

/**
 * The baseline's error rate the new version is held to, and the two estimates it rests on: the
 * baseline's usual rate counted generously (the upper end of its Wilson interval), and its rate over
 * the same seconds as the evidence, shrunk towards the usual one so that two unlucky probes are not a
 * trend.
 */
public final class BaselineRate {
    /** How generously the baseline's usual error rate is counted: the Wilson upper bound at this z. */
    public static final double REFERENCE_Z = 1.0;
    /** The weight, in probes, of the baseline's usual rate in its rate over the evidence's seconds. */
    public static final int SHRINK_PROBES = 20;

    private BaselineRate() {
    }

    /**
     * The baseline's error rate the new version is held to at one start of its evidence: its usual
     * rate over its history ({@code historyFailures} of {@code historyProbes}) counted generously, or
     * its rate over the start's seconds ({@code baseBad} of {@code baseProbes}, shrunk towards the
     * usual one) if that is higher. The test's null bound is this plus the policy's margin.
     */
    public static double heldTo(long historyFailures, long historyProbes, long baseBad, long baseProbes) {
        double usual = historyProbes == 0 ? Double.NaN : (double) historyFailures / historyProbes;
        return Math.max(wilsonUpper(historyFailures, historyProbes, REFERENCE_Z), shrunk(baseBad, baseProbes, usual));
    }

    /**
     * The upper end of the Wilson score interval for {@code bad} of {@code n} at {@code z}: the rate
     * is below it with probability about Φ(z); 1 with no probes.
     */
    public static double wilsonUpper(long bad, long n, double z) {
        if (n == 0) {
            return 1;
        }
        double p = (double) bad / n;
        double z2 = z * z;
        return Math.min(1, (p + z2 / (2 * n) + z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n))) / (1 + z2 / n));
    }

    /**
     * {@code bad} of {@code n}, shrunk towards {@code usual} by the weight of {@link #SHRINK_PROBES}
     * probes; a NaN {@code usual} (no history) shrinks towards 0.
     */
    public static double shrunk(long bad, long n, double usual) {
        double prior = Double.isNaN(usual) ? 0 : usual;
        return (bad + SHRINK_PROBES * prior) / (n + SHRINK_PROBES);
    }
}
