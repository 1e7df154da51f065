package io.kanary.detector.stats;

/**
 * A one-sided mSPRT for the difference of two failure rates, the new version's against the
 * baseline's, probed at the same time: H0: p_new - p_base ≤ δ against H1: p_new - p_base &gt; δ.
 *
 * <p>This is the normal-mixture mSPRT of Johari, Pekelis &amp; Walsh (2017, "Always Valid
 * Inference", arXiv:1512.04922, §4 and Appendix on two-stream Bernoulli data), made one-sided: the
 * difference of the observed rates x̂ = p̂_new - p̂_base is taken as N(θ, V) with
 * V = p̃_new(1-p̃_new)/n_new + p̃_base(1-p̃_base)/n_base, and the likelihood ratio of θ against the
 * boundary θ0 = δ is mixed over a half-normal prior θ - θ0 ~ N⁺(0, τ²). With x = x̂ - θ0:
 * <pre>  Λ = 2 √(V/(V+τ²)) · exp(τ² x² / (2V(V+τ²))) · Φ(x τ / √(V(V+τ²)))</pre>
 * For every θ ≤ θ0 each Gaussian likelihood ratio with θ' &gt; θ0 has mean ≤ 1, so (in the normal
 * approximation, as in Johari et al.) Λ is a nonnegative supermartingale under the whole null and
 * Ville's inequality bounds P(sup Λ ≥ 1/α) by α. Only x &gt; 0 can raise Λ above 1: a baseline
 * failing as much as the new version (a shared dependency) gives no evidence against it.
 *
 * <p>The rates in V are shrunk, p̃ = (failures + ½)/(n + 1) (Jeffreys' prior mean), so that two
 * clean streams do not have a variance of zero. The validity is asymptotic (the normal
 * approximation), which is why callers require a minimum of samples on both sides.
 */
public final class DifferenceMsprt {
    /**
     * τ, the prior scale of the excess over the margin: 3 percentage points, the size of regression
     * this test is for (larger ones conclude through the test against the limit first).
     */
    public static final double DEFAULT_TAU = 0.03;

    private final double margin;
    private final double tauSquared;

    public DifferenceMsprt(double margin, double tau) {
        this.margin = margin;
        this.tauSquared = tau * tau;
    }

    public DifferenceMsprt(double margin) {
        this(margin, DEFAULT_TAU);
    }

    public double margin() {
        return margin;
    }

    /** log Λ for the new version's and the baseline's failures and probes; 0 while either side is empty. */
    public double logLikelihoodRatio(long newFailures, long newProbes, long baseFailures, long baseProbes) {
        if (newProbes == 0 || baseProbes == 0) {
            return 0;
        }
        double x = (double) newFailures / newProbes - (double) baseFailures / baseProbes - margin;
        double v = variance(newFailures, newProbes) + variance(baseFailures, baseProbes);
        double sum = v + tauSquared;
        return Math.log(2) + 0.5 * Math.log(v / sum) + tauSquared * x * x / (2 * v * sum)
                + Normal.logCdf(x * Math.sqrt(tauSquared / (v * sum)));
    }

    private static double variance(long failures, long probes) {
        double p = (failures + 0.5) / (probes + 1.0);
        return p * (1 - p) / probes;
    }
}
