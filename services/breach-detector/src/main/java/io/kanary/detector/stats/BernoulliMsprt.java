package io.kanary.detector.stats;

/**
 * A one-sided mixture sequential probability ratio test (mSPRT) for the rate p of a Bernoulli
 * outcome (a failed probe; a probe slower than a limit): H0: p ≤ p0 against H1: p &gt; p0.
 *
 * <p>After s bad and f good outcomes the statistic is the likelihood ratio of a mixture of
 * alternatives against the boundary p0 (Robbins 1970, "Statistical methods related to the law of
 * the iterated logarithm", Ann. Math. Statist. 41; Johari, Pekelis &amp; Walsh 2017, "Always Valid
 * Inference: Bringing Sequential Analysis to A/B Testing", arXiv:1512.04922):
 * <pre>  Λ = Σ_k v_k (p_k/p0)^s ((1-p_k)/(1-p0))^f</pre>
 * with {@value #ALTERNATIVES} alternatives p_k = p0 + (0.99 - p0)(k/K)² (dense near p0, where small
 * excesses need long evidence; reaching 0.99 so that a sudden total failure concludes in a few
 * probes), each weighted v_k = 1/K. The mixing distribution is discrete rather than a continuous
 * Beta prior: the guarantee below holds exactly for any mixing distribution, and a discrete one
 * needs no incomplete-beta function and costs K exponentials.
 *
 * <p><b>Why it is anytime-valid and one-sided.</b> For one outcome X and any p_k &gt; p0,
 * E_p[(p_k/p0)^X ((1-p_k)/(1-p0))^(1-X)] = p·p_k/p0 + (1-p)(1-p_k)/(1-p0), which is 1 at p = p0
 * and increases with p; so for every p ≤ p0 each factor has mean ≤ 1 and each term, hence Λ, is
 * a nonnegative supermartingale with Λ_0 = 1 under every null rate. Ville's inequality (1939)
 * then gives P(sup_n Λ_n ≥ 1/α) ≤ α: the test may be looked at after every probe, and stopped at
 * any of them, with false-rejection probability at most α. Only alternatives above p0 enter, so
 * only evidence of p &gt; p0 raises Λ; a low rate drives it towards 0.
 *
 * <p>Computed in log space. p0 is clamped to [1e-9, 0.99): a limit of 0 means "any failure is
 * evidence", and a limit of 99% or more cannot be exceeded by a mixture that tops out at 0.99.
 */
public final class BernoulliMsprt {
    /** K, the number of alternatives in the mixture: its cost is log K nats of evidence. */
    public static final int ALTERNATIVES = 16;
    private static final double TOP = 0.99;
    private static final double MIN_P0 = 1e-9;

    private final double p0;
    private final double[] logBad;  // log(p_k / p0)
    private final double[] logGood; // log((1 - p_k) / (1 - p0))
    private final double logWeight;

    public BernoulliMsprt(double p0) {
        this.p0 = Math.max(MIN_P0, p0);
        int k = this.p0 >= TOP ? 0 : ALTERNATIVES;
        logBad = new double[k];
        logGood = new double[k];
        for (int i = 0; i < k; i++) {
            double share = (i + 1.0) / k;
            double pk = this.p0 + (TOP - this.p0) * share * share;
            logBad[i] = Math.log(pk / this.p0);
            logGood[i] = Math.log1p(-pk) - Math.log1p(-this.p0);
        }
        logWeight = -Math.log(ALTERNATIVES);
    }

    /** The rate under test (after clamping). */
    public double p0() {
        return p0;
    }

    /** log Λ after {@code bad} bad and {@code good} good outcomes; 0 before any. */
    public double logLikelihoodRatio(long bad, long good) {
        double log = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < logBad.length; i++) {
            log = LogSpace.add(log, logWeight + bad * logBad[i] + good * logGood[i]);
        }
        return log;
    }
}
