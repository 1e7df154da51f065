package io.kanary.detector.evidence;

import io.kanary.detector.stats.LogSpace;

/**
 * A one-sided mixture sequential probability ratio test of "healthy" for the rate p of a Bernoulli
 * outcome (a failed probe; a probe slower than a limit): H0: p ≥ p0 (unhealthy) against lower rates.
 *
 * <p>After s bad and f good outcomes the statistic is
 * <pre>  Λ = Σ_k v_k (p_k/p0)^s ((1-p_k)/(1-p0))^f</pre>
 * over {@value #ALTERNATIVES} alternatives p_k = p0·k/K, k = 0..K-1, each weighted v_k = 1/K. The
 * mirror image of the breach test ({@code BernoulliMsprt}): for one outcome and p_k &lt; p0 the factor's
 * mean under rate p is p·p_k/p0 + (1-p)(1-p_k)/(1-p0), which is 1 at p = p0 and decreases with p;
 * so under every p ≥ p0 Λ is a nonnegative supermartingale with Λ_0 = 1, and by Ville's inequality
 * P(sup_n Λ_n ≥ 1/α) ≤ α: the test may be read after every probe, and says "healthy" of an unhealthy
 * version with probability at most α. p_0 = 0 is an alternative on purpose: a version with no failure
 * at all concludes fastest, on about (log(1/α) + log K) / -log(1-p0) outcomes. Few alternatives keep
 * the mixture's cost (log K nats) small; evidence that p is well below p0 is all this test needs.
 */
public final class HealthyTest {
    /** K: the mixture's alternatives. */
    public static final int ALTERNATIVES = 4;
    private static final double MIN_P0 = 1e-6;

    private final double p0;
    private final double[] logBad;
    private final double[] logGood;

    public HealthyTest(double p0) {
        this.p0 = Math.min(1, Math.max(MIN_P0, p0));
        logBad = new double[ALTERNATIVES];
        logGood = new double[ALTERNATIVES];
        for (int k = 0; k < ALTERNATIVES; k++) {
            double pk = this.p0 * k / ALTERNATIVES;
            logBad[k] = pk == 0 ? Double.NEGATIVE_INFINITY : Math.log(pk / this.p0);
            logGood[k] = this.p0 >= 1 ? 0 : Math.log1p(-pk) - Math.log1p(-this.p0);
        }
    }

    public double p0() {
        return p0;
    }

    /** log Λ after {@code bad} bad and {@code good} good outcomes; 0 before any. */
    public double logLikelihoodRatio(long bad, long good) {
        if (p0 >= 1) {
            // Every rate is below a limit of 100%: nothing to prove.
            return Double.POSITIVE_INFINITY;
        }
        if (bad == 0 && good == 0) {
            return 0; // exactly: the mixture of four 1s in log space rounds to a few 1e-17
        }
        double log = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < ALTERNATIVES; k++) {
            double term = (bad == 0 ? 0 : bad * logBad[k]) + good * logGood[k];
            log = LogSpace.add(log, term - Math.log(ALTERNATIVES));
        }
        return log;
    }
}
