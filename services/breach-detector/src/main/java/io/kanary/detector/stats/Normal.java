package io.kanary.detector.stats;

/**
 * The standard normal distribution's log CDF, accurate far into both tails. Uses the Chebyshev
 * approximation of erfc with fractional error below 1.2e-7 everywhere (Press et al., <i>Numerical
 * Recipes</i>, 3rd ed., §6.2.2, {@code erfccheb}'s predecessor {@code erfcc}), whose exponential
 * form gives log erfc directly instead of underflowing.
 */
public final class Normal {
    private Normal() {
    }

    /** log Φ(z). */
    public static double logCdf(double z) {
        // Φ(z) = erfc(-z/√2) / 2
        return logErfc(-z / Math.sqrt(2)) - Math.log(2);
    }

    /** log erfc(x). */
    static double logErfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277))))))));
        double logTail = Math.log(t) + poly; // log erfc(|x|)
        return x >= 0 ? logTail : Math.log(2 - Math.exp(logTail));
    }
}
