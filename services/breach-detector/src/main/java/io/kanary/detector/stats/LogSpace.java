package io.kanary.detector.stats;

/**
 * Sums of numbers kept as their logarithms: likelihood ratios over hundreds of probes overflow a
 * double long before a test concludes, their logs do not. The usual log-sum-exp with the largest
 * term factored out (e.g. Press et al., <i>Numerical Recipes</i>, 3rd ed., §16.1).
 */
public final class LogSpace {
    private LogSpace() {
    }

    /** log(e^a + e^b); either may be -∞ (a zero term). */
    public static double add(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        double max = Math.max(a, b);
        if (max == Double.POSITIVE_INFINITY) {
            return max;
        }
        return max + Math.log1p(Math.exp(Math.min(a, b) - max));
    }
}
