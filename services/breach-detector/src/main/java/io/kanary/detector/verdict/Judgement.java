package io.kanary.detector.verdict;

import io.kanary.detector.state.ActiveDeployment;
import io.kanary.detector.stats.BernoulliMsprt;
import io.kanary.detector.stats.ChangePointMixture;
import io.kanary.detector.stats.ChangePointMixture.Evidence;
import io.kanary.detector.stats.DifferenceMsprt;
import io.kanary.detector.window.Bucket;
import io.kanary.detector.window.Observation;
import io.kanary.detector.window.WindowStats;
import io.kanary.schema.Breach;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The policy applied to an observation: four sequential tests, each of which may conclude at any
 * probe, tried in this order; each rests on at least the policy's {@code minSamples} probes of the new version.
 * <ol>
 * <li><b>mSPRT error rate &gt; limit</b>: {@link BernoulliMsprt} on failed probes, H0: p ≤ maxErrorRate.
 *     Not when the baseline fails as often over the same seconds (a shared dependency, not the new
 *     version's fault): then only the next test may blame the new version.</li>
 * <li><b>mSPRT error rate vs baseline</b>: {@link DifferenceMsprt}, H0: p_new - p_base ≤ errorRateMargin,
 *     with at least minSamples on each side. Catches 5% against a 1% background below a 5% limit.</li>
 * <li><b>p99 vs limit</b>: p99 ≤ L means at most 1% of probes are slower than L, so H0: P(latency &gt; L) ≤ 1%,
 *     tested by {@link BernoulliMsprt} on "slower than L" (counted from the sketches). Not when the
 *     baseline's p99 is over L too.</li>
 * <li><b>p99 vs baseline</b>: the same test against L' = maxP99Ratio × the baseline's p99, once both
 *     sides have {@value #MIN_QUANTILE_SAMPLES} probes in the window (fewer, and a p99 is merely the maximum).
 *     L' is a plug-in estimate, so this test's guarantee is approximate.</li>
 * </ol>
 * Each test is a {@link ChangePointMixture} over the possible starts of its evidence and concludes
 * at log(4/α): the four share the policy's α (Bonferroni), so a healthy deployment is rolled back
 * with probability at most α however long it runs. No flapping: every test needs its bad outcomes in
 * at least {@value #MIN_EVIDENCE_BUCKETS} distinct buckets, so one slow probe or a one-second
 * outage (which touches at most two 1 s buckets) decides nothing, however many probes it spoils.
 */
public final class Judgement {
    /** Distinct buckets that must hold bad outcomes before any test may conclude. */
    public static final int MIN_EVIDENCE_BUCKETS = 3;
    /** Probes per side before a p99 is compared with the baseline's. */
    public static final int MIN_QUANTILE_SAMPLES = 100;
    /** Share of probes allowed above the p99 limit. */
    static final double P99_TAIL = 0.01;
    static final int TESTS = 4;

    public static final String TEST_ERROR_RATE_LIMIT = "mSPRT error rate > limit";
    public static final String TEST_ERROR_RATE_BASELINE = "mSPRT error rate vs baseline";
    public static final String TEST_P99_LIMIT = "p99 vs limit";
    public static final String TEST_P99_BASELINE = "p99 vs baseline";

    private Judgement() {
    }

    public static Verdict of(Observation observation) {
        Policy policy = observation.deployment().policy();
        if (observation.candidate().samples() < policy.minSamples() || observation.slots() <= 0) {
            return new Verdict(observation, null);
        }
        Window window = new Window(observation);
        double logThreshold = Math.log(TESTS / policy.alpha());
        Breach breach = errorRateVsLimit(window, logThreshold)
                .or(() -> errorRateVsBaseline(window, logThreshold))
                .or(() -> p99VsLimit(window, logThreshold))
                .or(() -> p99VsBaseline(window, logThreshold))
                .orElse(null);
        return new Verdict(observation, breach);
    }

    private static Optional<Breach> errorRateVsLimit(Window w, double logThreshold) {
        Policy policy = w.policy();
        BernoulliMsprt test = new BernoulliMsprt(policy.maxErrorRate());
        Evidence evidence = w.scan(Bucket::failures, (s, n, bs, bn) -> test.logLikelihoodRatio(s, n - s));
        if (!evidence.concludes(logThreshold) || sharedFailure(evidence, policy)) {
            return Optional.empty();
        }
        WindowStats span = w.candidateSince(evidence);
        return Optional.of(w.breach(evidence, Breach.ERROR_RATE, rate(evidence.bad(), evidence.probes()),
                policy.maxErrorRate(), baselineRate(evidence), TEST_ERROR_RATE_LIMIT, logThreshold,
                span.firstFailureAt()));
    }

    private static Optional<Breach> errorRateVsBaseline(Window w, double logThreshold) {
        Policy policy = w.policy();
        int min = policy.minSamples();
        if (w.observation.baseline().samples() < min) {
            return Optional.empty();
        }
        DifferenceMsprt test = new DifferenceMsprt(policy.errorRateMargin());
        Evidence evidence = w.scan(Bucket::failures, (s, n, bs, bn) -> bn < min
                ? Double.NEGATIVE_INFINITY : test.logLikelihoodRatio(s, n, bs, bn));
        if (!evidence.concludes(logThreshold)) {
            return Optional.empty();
        }
        double baseline = rate(evidence.baseBad(), evidence.baseProbes());
        return Optional.of(w.breach(evidence, Breach.ERROR_RATE, rate(evidence.bad(), evidence.probes()),
                baseline + policy.errorRateMargin(), baseline, TEST_ERROR_RATE_BASELINE, logThreshold,
                w.candidateSince(evidence).firstFailureAt()));
    }

    private static Optional<Breach> p99VsLimit(Window w, double logThreshold) {
        Policy policy = w.policy();
        long limit = policy.maxP99LatencyMs();
        WindowStats baseline = w.observation.baseline();
        if (baseline.samples() >= policy.minSamples() && baseline.p99() > limit) {
            return Optional.empty(); // the baseline is as slow: a shared dependency
        }
        return p99Test(w, logThreshold, limit, TEST_P99_LIMIT);
    }

    private static Optional<Breach> p99VsBaseline(Window w, double logThreshold) {
        WindowStats baseline = w.observation.baseline();
        if (baseline.samples() < MIN_QUANTILE_SAMPLES || w.observation.candidate().samples() < MIN_QUANTILE_SAMPLES) {
            return Optional.empty();
        }
        return p99Test(w, logThreshold, w.policy().maxP99Ratio() * baseline.p99(), TEST_P99_BASELINE);
    }

    private static Optional<Breach> p99Test(Window w, double logThreshold, double limitMs, String name) {
        BernoulliMsprt test = new BernoulliMsprt(P99_TAIL);
        Evidence evidence = w.scan(bucket -> bucket.countAbove(limitMs),
                (s, n, bs, bn) -> test.logLikelihoodRatio(s, n - s));
        if (!evidence.concludes(logThreshold)) {
            return Optional.empty();
        }
        WindowStats span = w.candidateSince(evidence);
        WindowStats baselineSpan = w.baselineSince(evidence);
        Double baseline = name.equals(TEST_P99_BASELINE) ? Double.valueOf(w.observation.baseline().p99())
                : baselineSpan.samples() == 0 ? null : baselineSpan.p99();
        return Optional.of(w.breach(evidence, Breach.P99_LATENCY_MS, span.p99(), limitMs, baseline, name,
                logThreshold, span.firstLatencyAbove((long) Math.floor(limitMs))));
    }

    /** The baseline failed over the evidence's seconds as often as the limit forbids: not the new version's doing. */
    private static boolean sharedFailure(Evidence evidence, Policy policy) {
        return evidence.baseProbes() >= policy.minSamples()
                && rate(evidence.baseBad(), evidence.baseProbes()) > policy.maxErrorRate();
    }

    private static Double baselineRate(Evidence evidence) {
        return evidence.baseProbes() == 0 ? null : rate(evidence.baseBad(), evidence.baseProbes());
    }

    private static double rate(long bad, long probes) {
        return probes == 0 ? Double.NaN : (double) bad / probes;
    }

    /** The observation's buckets laid out slot by slot, one slot per bucket of the window. */
    private static final class Window {
        private final Observation observation;
        private final Bucket[] candidate;
        private final Bucket[] baseline;
        private final long[] probes;
        private final long[] baseFailures;
        private final long[] baseProbes;

        Window(Observation observation) {
            this.observation = observation;
            int slots = observation.slots();
            candidate = lay(observation.candidate(), slots);
            baseline = lay(observation.baseline(), slots);
            probes = counts(candidate, Bucket::probes);
            baseFailures = counts(baseline, Bucket::failures);
            baseProbes = counts(baseline, Bucket::probes);
        }

        Policy policy() {
            return observation.deployment().policy();
        }

        Evidence scan(ToLongFunction<Bucket> bad, ChangePointMixture.Term term) {
            long firstChangePoint = (observation.fromMs() - observation.firstBucketMs()) / observation.bucketMs();
            return ChangePointMixture.scan(counts(candidate, bad), probes, baseFailures, baseProbes, firstChangePoint,
                    MIN_EVIDENCE_BUCKETS, policy().minSamples(), term);
        }

        WindowStats candidateSince(Evidence evidence) {
            return observation.candidate().since(slotStart(evidence.fromSlot()));
        }

        WindowStats baselineSince(Evidence evidence) {
            return observation.baseline().since(slotStart(evidence.fromSlot()));
        }

        Breach breach(Evidence evidence, String metric, double observed, double threshold, Double baseline,
                      String test, double logThreshold, Optional<Instant> firstBad) {
            ActiveDeployment deployment = observation.deployment();
            // Detected at the decisive probe's own time, so a replay detects it at the same instant.
            Instant detectedAt = observation.probe().probedAt();
            long spanMs = (long) (probes.length - evidence.fromSlot()) * observation.bucketMs();
            return new Breach(EventIds.breach(deployment.deploymentId()), KanaryEvent.SCHEMA_VERSION,
                    deployment.deploymentId(), deployment.service(), deployment.version(),
                    deployment.baselineVersion(), metric, observed, threshold, baseline, spanMs, evidence.probes(),
                    evidence.baseProbes(),
                    // The sketch counts a probe as slow only when certainly over the limit, so the first
                    // such probe may be missed by the peaks; the decisive probe then stands for it.
                    firstBad.filter(at -> !at.isAfter(detectedAt)).orElse(detectedAt), detectedAt, test,
                    evidence.logStatistic(), logThreshold);
        }

        private long slotStart(int slot) {
            return observation.fromMs() + slot * observation.bucketMs();
        }

        private Bucket[] lay(WindowStats stats, int slots) {
            Bucket[] laid = new Bucket[slots];
            List<Long> starts = stats.startsMs();
            for (int i = 0; i < starts.size(); i++) {
                long slot = (starts.get(i) - observation.fromMs()) / observation.bucketMs();
                if (slot >= 0 && slot < slots) {
                    laid[(int) slot] = stats.buckets().get(i);
                }
            }
            return laid;
        }

        private static long[] counts(Bucket[] buckets, ToLongFunction<Bucket> count) {
            long[] counts = new long[buckets.length];
            for (int i = 0; i < buckets.length; i++) {
                counts[i] = buckets[i] == null ? 0 : count.applyAsLong(buckets[i]);
            }
            return counts;
        }
    }
}
