package io.kanary.detector.evidence;

import io.kanary.detector.baseline.BaselineRate;
import io.kanary.detector.stats.BernoulliMsprt;
import io.kanary.schema.Policy;

/**
 * How far a batch's evidence has got toward either side.
 *
 * <p><b>Healthy</b> means both: the error rate is below a bound p0, and good probes slower than the
 * policy's p99 limit are fewer than {@value #SLOW_SHARE_LIMIT} of them. p0 is the policy's
 * {@code maxErrorRate}, and with a baseline the lower of that and the baseline's rate plus the larger
 * of the policy's {@code errorRateMargin} and half the way from the baseline's rate to the limit: a
 * version nearer the limit than the baseline is not healthy, so a 5% regression from a 0% baseline
 * under a 10% limit is never judged healthy however long it runs; it waits out its evidence wait and
 * is inconclusive. The baseline's rate is counted generously (the upper end of its Wilson interval at
 * z = 1, over its probes since the deployment started), so a short baseline record raises p0 toward
 * the limit, never lowers it below the truth. (The full margin alone would ask a healthy version for
 * some 440 failure-free probes at a 1% margin; half the way asks a tenth of that at usual limits.) Each is a
 * {@link HealthyTest} at the healthy side's own α = {@value #HEALTHY_ALPHA}; "healthy" is the
 * intersection of the two (both must reject their "unhealthy" null), so each runs at the full α and
 * the pair still says "healthy" of an unhealthy version with probability at most α (an
 * intersection-union test). Its statistic is the smaller of the two log likelihood ratios.
 *
 * <p><b>Breach</b> is shown for comparison: the same counts under the breach side's simple tests
 * (error rate above the limit; more than 1% slower than the p99 limit, i.e. p99 above it), against
 * log(4/α) as the breach-detector's own tests use. The breach verdict itself stays with those tests.
 *
 * <p>The slow-share bound is 5% rather than the 1% a p99 means: proving "fewer than 1% slow" takes
 * about 300 fast probes at α = 0.05, proving "fewer than 5%" about 60, and a p99 over the limit is
 * the breach tests' to find. A version whose p99 is over the limit but whose p95 is under it may
 * thus be judged healthy before a breach is found; the breach tests keep judging it all the same.
 */
public record EvidenceReading(long samples, long batchHostSamples, double errorRate, Double p99LatencyMs,
                              double healthyErrors, double healthySlow, double breach, double healthyThreshold,
                              double breachThreshold, int minSamples, double errorBound) {
    /** The healthy side's own error rate: the chance it calls an unhealthy version healthy. */
    public static final double HEALTHY_ALPHA = 0.05;
    /** Good probes slower than the p99 limit that "healthy" tolerates. */
    public static final double SLOW_SHARE_LIMIT = 0.05;
    private static final double P99_SLOW_SHARE = 0.01;
    private static final int BREACH_TESTS = 4;

    public static EvidenceReading of(BatchEvidence evidence) {
        Policy policy = evidence.policy();
        long good = evidence.good();
        double errors = new HealthyTest(errorBound(evidence)).logLikelihoodRatio(evidence.failures(), good);
        double slow = new HealthyTest(SLOW_SHARE_LIMIT).logLikelihoodRatio(evidence.slow(), good - evidence.slow());
        double breach = Math.max(
                new BernoulliMsprt(policy.maxErrorRate()).logLikelihoodRatio(evidence.failures(), good),
                new BernoulliMsprt(P99_SLOW_SHARE).logLikelihoodRatio(evidence.slow(), good - evidence.slow()));
        return new EvidenceReading(evidence.samples(), evidence.batchHostSamples(), evidence.errorRate(),
                evidence.p99LatencyMs(), errors, slow, breach, Math.log(1 / HEALTHY_ALPHA),
                Math.log(BREACH_TESTS / policy.alpha()), policy.minSamples(), errorBound(evidence));
    }

    /** p0 of the error-rate side: the rate the new version must be shown to stay below. */
    static double errorBound(BatchEvidence evidence) {
        Policy policy = evidence.policy();
        double limit = policy.maxErrorRate();
        if (evidence.baselineVersion() == null || evidence.baselineSamples() == 0) {
            return limit;
        }
        double base = BaselineRate.wilsonUpper(evidence.baselineFailures(), evidence.baselineSamples(), 1.0);
        return Math.min(limit, base + Math.max(policy.errorRateMargin(), (limit - base) / 2));
    }

    /** The healthy side's statistic: both of its tests must reach the threshold. */
    public double healthy() {
        return Math.min(healthyErrors, healthySlow);
    }

    /** Whether the healthy test accepted, on at least minSamples probes in all and of the batch's own hosts. */
    public boolean isHealthy() {
        return healthy() >= healthyThreshold && samples >= minSamples && batchHostSamples >= minSamples;
    }

    /** Which of the healthy side's tests concluded, in words. */
    public String test() {
        return "mSPRT healthy: error rate < limit and < " + percent(SLOW_SHARE_LIMIT) + " slower than the p99 limit";
    }

    /** E.g. "healthy 3.1 of 3.0 needed, breach 0.4 of 8.3". */
    public String progress() {
        return String.format(java.util.Locale.ROOT, "healthy log-LR %.1f of %.1f needed, breach %.1f of %.1f",
                Math.max(0, healthy()), healthyThreshold, Math.max(0, breach), breachThreshold);
    }

    /** E.g. "error rate 0.5% (held below 3.0%), p99 182 ms (limit 800 ms)". */
    public String figures(Policy policy) {
        return "error rate " + percent(errorRate) + " (held below " + percent(errorBound) + "), p99 "
                + (p99LatencyMs == null ? "unknown" : Math.round(p99LatencyMs) + " ms") + " (limit "
                + policy.maxP99LatencyMs() + " ms)";
    }

    static String percent(double share) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", share * 100);
    }
}
