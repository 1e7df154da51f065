package io.kanary.detector.evidence;

import io.kanary.detector.baseline.BaselineRate;
import io.kanary.detector.stats.BernoulliMsprt;
import io.kanary.schema.Policy;
import java.util.Locale;

/**
 * How far a batch's evidence has got toward either side.
 *
 * <p><b>Healthy</b> means both: the error rate is below a bound p0, and answers slower than the
 * policy's p99 limit are fewer than {@value #SLOW_SHARE_LIMIT} of them. p0 is the policy's
 * {@code maxErrorRate}, and with a baseline the lower of that and the baseline's rate plus the larger
 * of the policy's {@code errorRateMargin} and half the way from the baseline's rate to the limit: a
 * version nearer the limit than the baseline is not healthy, so a 5% regression from a 0% baseline
 * under a 10% limit is never judged healthy however long it runs; it waits out its evidence wait and
 * is inconclusive. The baseline's rate is counted generously (the upper end of its Wilson interval at
 * z = 1, since the deployment started), so a short baseline record raises p0 toward the limit, never
 * lowers it below the truth. Each side is a {@link HealthyTest}; "healthy" is the intersection of the
 * two (both must reject their "unhealthy" null), so each runs at its route's full α and the pair still
 * says "healthy" of an unhealthy version with at most that probability (an intersection-union test).
 *
 * <p><b>Two kinds of evidence, two routes.</b> Probes and traffic samples (the instances' own request
 * counts) are judged apart, each against its own baseline: a health endpoint and the real requests
 * need not fail alike. Traffic decides as soon as the batch has any: the probe route is open only
 * while no request of the new version has been counted, because a health endpoint can look healthy
 * while real requests fail, and a regression in traffic must never be outvoted by probes. A batch
 * may thus be judged on probes for a while and then on traffic, so the healthy side's α is split
 * evenly between the two routes (a union bound: P(healthy | unhealthy) ≤ α/2 + α/2) and each route's
 * threshold is log(2/α). The split costs the probe route 15 more probes (92 instead of 77 at a
 * 10% limit); traffic at 100 requests a second pays it back in the first second. Traffic without a
 * latency histogram cannot show its own latencies: the probes' slow share stands in for it.
 *
 * <p><b>Breach</b> is shown for comparison: the same counts under the breach side's simple tests
 * (error rate above the limit; more than 1% slower than the p99 limit, i.e. p99 above it), against
 * log(4/α) as the breach-detector's own tests use. The breach verdict itself stays with those tests.
 *
 * <p>The slow-share bound is 5% rather than the 1% a p99 means: proving "fewer than 1% slow" takes
 * about 300 fast probes at α = 0.05, proving "fewer than 5%" about 90, and a p99 over the limit is
 * the breach tests' to find. A version whose p99 is over the limit but whose p95 is under it may
 * thus be judged healthy before a breach is found; the breach tests keep judging it all the same.
 *
 * @param probes            probes of the new version counted since the batch started
 * @param requests          requests of the new version counted since the batch started
 * @param onTraffic         whether the batch has traffic, so traffic decides (the probe route is closed)
 * @param healthyErrors     the deciding route's error-rate statistic
 * @param healthySlow       the deciding route's slow-share statistic
 */
public record EvidenceReading(long probes, long requests, long batchHostSamples, double errorRate,
                              Double p99LatencyMs, boolean onTraffic, double healthyErrors, double healthySlow,
                              double breach, double healthyThreshold, double breachThreshold, int minSamples,
                              double errorBound) {
    /** The healthy side's own error rate: the chance it calls an unhealthy version healthy. */
    public static final double HEALTHY_ALPHA = 0.05;
    /** The kinds of evidence the healthy side's α is split between: probes and traffic. */
    public static final int EVIDENCE_KINDS = 2;
    /** Answers slower than the p99 limit that "healthy" tolerates. */
    public static final double SLOW_SHARE_LIMIT = 0.05;
    private static final double P99_SLOW_SHARE = 0.01;
    private static final int BREACH_TESTS = 4;
    private static final double ROUNDING = 1e-12;

    public static EvidenceReading of(BatchEvidence evidence) {
        Policy policy = evidence.policy();
        RequestCounts traffic = evidence.traffic();
        boolean onTraffic = traffic.requests() > 0;
        long good = evidence.good();
        HealthyTest slowShare = new HealthyTest(SLOW_SHARE_LIMIT);
        double probeSlow = slowShare.logLikelihoodRatio(evidence.slow(), good - evidence.slow());
        double errors;
        double slow;
        double bound;
        if (onTraffic) {
            bound = trafficErrorBound(evidence);
            errors = new HealthyTest(bound).logLikelihoodRatio(traffic.errors(), traffic.good());
            slow = traffic.timed() == 0 ? probeSlow
                    : slowShare.logLikelihoodRatio(traffic.slow(), traffic.timed() - traffic.slow());
        } else {
            bound = errorBound(evidence);
            errors = new HealthyTest(bound).logLikelihoodRatio(evidence.failures(), good);
            slow = probeSlow;
        }
        BernoulliMsprt errorBreach = new BernoulliMsprt(policy.maxErrorRate());
        BernoulliMsprt slowBreach = new BernoulliMsprt(P99_SLOW_SHARE);
        double breach = Math.max(
                Math.max(errorBreach.logLikelihoodRatio(evidence.failures(), good),
                        slowBreach.logLikelihoodRatio(evidence.slow(), good - evidence.slow())),
                Math.max(errorBreach.logLikelihoodRatio(traffic.errors(), traffic.good()),
                        slowBreach.logLikelihoodRatio(traffic.slow(), traffic.timed() - traffic.slow())));
        return new EvidenceReading(evidence.samples(), traffic.requests(),
                onTraffic ? traffic.batchHostRequests() : evidence.batchHostSamples(), evidence.errorRate(),
                evidence.p99LatencyMs(), onTraffic, errors, slow, breach,
                Math.log(EVIDENCE_KINDS / HEALTHY_ALPHA), Math.log(BREACH_TESTS / policy.alpha()),
                policy.minSamples(), bound);
    }

    /** p0 of the probes' error-rate side: the rate the new version's probes must be shown to stay below. */
    static double errorBound(BatchEvidence evidence) {
        return boundOver(evidence.policy(), evidence.baselineVersion() == null ? 0 : evidence.baselineSamples(),
                evidence.baselineFailures());
    }

    /**
     * p0 of the traffic's error-rate side: held to the baseline's own requests when there are any (real
     * requests fail more often than a health endpoint), else to its probes.
     */
    static double trafficErrorBound(BatchEvidence evidence) {
        RequestCounts base = evidence.baselineTraffic();
        if (evidence.baselineVersion() == null || base.requests() == 0) {
            return errorBound(evidence);
        }
        return boundOver(evidence.policy(), base.requests(), base.errors());
    }

    private static double boundOver(Policy policy, long baselineSamples, long baselineFailures) {
        double limit = policy.maxErrorRate();
        if (baselineSamples == 0) {
            return limit;
        }
        double base = BaselineRate.wilsonUpper(baselineFailures, baselineSamples, 1.0);
        return Math.min(limit, base + Math.max(policy.errorRateMargin(), (limit - base) / 2));
    }

    /** Probes and requests together. */
    public long samples() {
        return probes + requests;
    }

    /** The healthy side's statistic: both of its deciding route's tests must reach the threshold. */
    public double healthy() {
        return Math.min(healthyErrors, healthySlow);
    }

    /** Whether the healthy test accepted, on at least minSamples samples in all and of the batch's own hosts. */
    public boolean isHealthy() {
        return healthy() >= healthyThreshold && (onTraffic ? requests : probes) >= minSamples
                && batchHostSamples >= minSamples;
    }

    /** How far toward "healthy", 0..1: the statistic as a share of its threshold. */
    public double healthyShare() {
        return share(healthy(), healthyThreshold);
    }

    /** How far toward "breach", 0..1. */
    public double breachShare() {
        return share(breach, breachThreshold);
    }

    /** A statistic as a share of its threshold, 0..1; rounding noise of a log-space sum (~1e-16) reads as none. */
    private static double share(double statistic, double threshold) {
        double share = statistic / threshold;
        return Double.isNaN(share) || share < ROUNDING ? 0 : Math.min(1, share);
    }

    /** Which of the healthy side's tests concluded, in words. */
    public String test() {
        return "mSPRT healthy on " + (onTraffic ? "traffic" : "probes") + ": error rate < limit and < "
                + percent(SLOW_SHARE_LIMIT) + " slower than the p99 limit";
    }

    /** E.g. "healthy log-LR 3.1 of 3.7 needed, breach 0.4 of 8.3". */
    public String progress() {
        return String.format(Locale.ROOT, "healthy log-LR %.1f of %.1f needed, breach %.1f of %.1f",
                Math.max(0, healthy()), healthyThreshold, Math.max(0, breach), breachThreshold);
    }

    /** E.g. "77 probes" or "3 probes and 1200 requests". */
    public String counted() {
        return requests == 0 ? probes + " probes" : probes + " probes and " + requests + " requests";
    }

    /** E.g. "error rate 0.5% (held below 3.0%), p99 182 ms (limit 800 ms)". */
    public String figures(Policy policy) {
        return "error rate " + percent(errorRate) + " (held below " + percent(errorBound) + "), p99 "
                + (p99LatencyMs == null ? "unknown" : Math.round(p99LatencyMs) + " ms") + " (limit "
                + policy.maxP99LatencyMs() + " ms)";
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
