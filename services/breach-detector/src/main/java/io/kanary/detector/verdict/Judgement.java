package io.kanary.detector.verdict;

import io.kanary.detector.state.ActiveDeployment;
import io.kanary.detector.stats.BernoulliMsprt;
import io.kanary.detector.stats.ChangePointMixture;
import io.kanary.detector.stats.ChangePointMixture.Evidence;
import io.kanary.detector.window.Bucket;
import io.kanary.detector.window.Observation;
import io.kanary.detector.window.WindowStats;
import io.kanary.schema.Breach;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * The policy applied to an observation: four sequential tests, each of which may conclude at any
 * probe, tried in this order; each rests on at least the policy's {@code minSamples} probes of the new version.
 * <ol>
 * <li><b>mSPRT error rate &gt; limit</b>: {@link BernoulliMsprt} on failed probes, H0: p ≤ maxErrorRate.</li>
 * <li><b>mSPRT error rate vs baseline</b>: the same test, H0: p ≤ p_base + errorRateMargin, where
 *     p_base is the baseline's <em>usual</em> error rate: over the policy's whole window (also from
 *     before the deployment), counted generously — the upper end of its Wilson interval at
 *     z = {@value #REFERENCE_Z} — so that a short baseline history is not taken at its word. Held
 *     against the baseline's long record rather than its probes of the same seconds, a 30% failure
 *     needs a third of the probes that the 5% limit needs, and 5% against a 1% baseline concludes at all.
 *     The price: p_base is an estimate, so this test's α is approximate (the margin absorbs the
 *     estimate's error: a healthy version fails no more than its baseline).</li>
 * <li><b>p99 vs limit</b>: p99 ≤ L means at most 1% of probes are slower than L, so H0: P(latency &gt; L) ≤ 1%,
 *     tested by {@link BernoulliMsprt} on "slower than L" (counted from the sketches).</li>
 * <li><b>p99 vs baseline</b>: the same test against L' = maxP99Ratio × the baseline's usual p99, once
 *     both sides have {@value #MIN_QUANTILE_SAMPLES} probes (fewer, and a p99 is merely the maximum).
 *     L' too is a plug-in estimate, so this test's guarantee is approximate.</li>
 * </ol>
 * <b>Shared trouble is not the new version's fault.</b> Each test looks at every possible start of
 * its evidence, and at each the new version may do as badly as the baseline does over the same
 * seconds (plus the margin, for error rates): the null bound is the larger of the test's own and
 * the baseline's share of bad outcomes there, shrunk towards its usual share by the weight of
 * {@value #SHRINK_PROBES} probes so that two unlucky probes are not a trend. A dependency failing
 * both versions, or a slow network slowing both, then gives no verdict; the new version failing on
 * its own still does. A larger bound only makes a test harder to conclude; as the bound moves with
 * the baseline's probes, the guarantee is approximate here too.
 *
 * <p>Each test is a {@link ChangePointMixture} over the possible starts of its evidence and concludes
 * at log(4/α): the four share the policy's α (Bonferroni), so a healthy deployment is rolled back
 * with probability at most α however long it runs. No flapping: the longest run of one host's
 * consecutive failures counts as one failure when it spans less than the policy's
 * {@code outageToleranceMs}, and every test needs its bad outcomes in at least
 * {@value #MIN_EVIDENCE_BUCKETS} distinct buckets, so neither one slow probe nor a one-second
 * outage decides anything, however many probes it spoils.
 */
public final class Judgement {
    /** Distinct buckets that must hold bad outcomes before any test may conclude. */
    public static final int MIN_EVIDENCE_BUCKETS = 3;
    /** Probes per side before a p99 is compared with the baseline's. */
    public static final int MIN_QUANTILE_SAMPLES = 100;
    /** How generously the baseline's usual error rate is counted: the Wilson upper bound at this z. */
    public static final double REFERENCE_Z = 1.0;
    /** The weight, in probes, of the baseline's usual rate in its rate over the evidence's seconds. */
    public static final int SHRINK_PROBES = 20;
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
        double usual = w.observation.baselineHistory().errorRate();
        ErrorBound bound = (bs, bn) -> Math.max(policy.maxErrorRate(), shrunk(bs, bn, usual) + policy.errorRateMargin());
        Evidence evidence = w.scan(Bucket::failures, true, Tests.term(bound));
        if (!evidence.concludes(logThreshold)) {
            return Optional.empty();
        }
        return Optional.of(w.breach(evidence, Breach.ERROR_RATE, rate(evidence.bad(), evidence.probes()),
                bound.at(evidence.baseBad(), evidence.baseProbes()), baselineRate(evidence), evidence.baseProbes(),
                TEST_ERROR_RATE_LIMIT,
                logThreshold, w.candidateSince(evidence).firstFailureAt()));
    }

    private static Optional<Breach> errorRateVsBaseline(Window w, double logThreshold) {
        Policy policy = w.policy();
        WindowStats history = w.observation.baselineHistory();
        if (history.samples() < policy.minSamples()) {
            return Optional.empty();
        }
        double reference = wilsonUpper(history.failures(), history.samples(), REFERENCE_Z);
        ErrorBound baseline = (bs, bn) -> baselineRate(history.failures(), history.samples(), bs, bn);
        Evidence evidence = w.scan(Bucket::failures, true,
                Tests.term((bs, bn) -> baseline.at(bs, bn) + policy.errorRateMargin()));
        if (!evidence.concludes(logThreshold)) {
            return Optional.empty();
        }
        double held = baseline.at(evidence.baseBad(), evidence.baseProbes());
        // The baseline's side is its history, unless its probes of the same seconds were the worse.
        long baselineSamples = held > reference ? evidence.baseProbes() : history.samples();
        return Optional.of(w.breach(evidence, Breach.ERROR_RATE, rate(evidence.bad(), evidence.probes()),
                held + policy.errorRateMargin(), held, baselineSamples, TEST_ERROR_RATE_BASELINE, logThreshold,
                w.candidateSince(evidence).firstFailureAt()));
    }

    private static Optional<Breach> p99VsLimit(Window w, double logThreshold) {
        return p99Test(w, logThreshold, w.policy().maxP99LatencyMs(), TEST_P99_LIMIT);
    }

    private static Optional<Breach> p99VsBaseline(Window w, double logThreshold) {
        WindowStats history = w.observation.baselineHistory();
        if (answered(history) < MIN_QUANTILE_SAMPLES || answered(w.observation.candidate()) < MIN_QUANTILE_SAMPLES) {
            return Optional.empty();
        }
        return p99Test(w, logThreshold, w.policy().maxP99Ratio() * history.p99(), TEST_P99_BASELINE);
    }

    /** H0: at most 1% of the new version's probes are slower than {@code limitMs} (or the baseline's share, if more). */
    private static Optional<Breach> p99Test(Window w, double logThreshold, double limitMs, String name) {
        if (Double.isNaN(limitMs)) {
            return Optional.empty(); // no answered probe of the baseline to compare with
        }
        ToLongFunction<Bucket> slow = bucket -> bucket.countAbove(limitMs);
        double usual = w.baselineUsualSlowShare(slow);
        Evidence evidence = w.scan(slow, false, Tests.term((bs, bn) -> Math.max(P99_TAIL, shrunk(bs, bn, usual))));
        if (!evidence.concludes(logThreshold)) {
            return Optional.empty();
        }
        WindowStats span = w.candidateSince(evidence);
        WindowStats baselineSpan = w.baselineSince(evidence);
        Double baseline = name.equals(TEST_P99_BASELINE) ? Double.valueOf(w.observation.baselineHistory().p99())
                : baselineSpan.samples() == 0 ? null : baselineSpan.p99();
        long baselineSamples = name.equals(TEST_P99_BASELINE) ? w.observation.baselineHistory().samples()
                : evidence.baseProbes();
        return Optional.of(w.breach(evidence, Breach.P99_LATENCY_MS, span.p99(), limitMs, baseline, baselineSamples, name,
                logThreshold, span.firstLatencyAbove((long) Math.floor(limitMs))));
    }

    /**
     * The largest share of bad outcomes the new version may have at a start of its evidence, given
     * the baseline's {@code baseBad} of {@code baseProbes} over the same seconds.
     */
    @FunctionalInterface
    private interface ErrorBound {
        double at(long baseBad, long baseProbes);
    }

    /**
     * The {@link BernoulliMsprt}s judgements need, one per null bound, made once for the whole job
     * (each costs {@value BernoulliMsprt#ALTERNATIVES} logarithms, and a look needs one per start).
     * Bounds are rounded up to {@value #BOUND_STEPS}ths (a larger bound only weakens a test), so at
     * most that many are ever made.
     */
    private static final class Tests {
        static final int BOUND_STEPS = 2_000;
        private static final Map<Long, BernoulliMsprt> BY_BOUND = new ConcurrentHashMap<>();

        private Tests() {
        }

        static ChangePointMixture.Term term(ErrorBound bound) {
            return (s, n, bs, bn) -> {
                long step = (long) Math.ceil(bound.at(bs, bn) * BOUND_STEPS);
                if (step >= BOUND_STEPS) {
                    return Double.NEGATIVE_INFINITY; // a bound of 100% cannot be exceeded
                }
                return BY_BOUND.computeIfAbsent(step, k -> new BernoulliMsprt((double) k / BOUND_STEPS))
                        .logLikelihoodRatio(s, n - s);
            };
        }
    }

    /**
     * The baseline's error rate the new version is held to at one start of its evidence: its usual
     * rate over its history ({@code historyFailures} of {@code historyProbes}) counted generously, or
     * its rate over the start's seconds ({@code baseBad} of {@code baseProbes}, shrunk towards the
     * usual one) if that is higher. The test's null bound is this plus the policy's margin.
     */
    static double baselineRate(long historyFailures, long historyProbes, long baseBad, long baseProbes) {
        double usual = historyProbes == 0 ? Double.NaN : (double) historyFailures / historyProbes;
        return Math.max(wilsonUpper(historyFailures, historyProbes, REFERENCE_Z), shrunk(baseBad, baseProbes, usual));
    }

    /**
     * The upper end of the Wilson score interval for {@code bad} of {@code n} at {@code z}: the rate
     * is below it with probability about Φ(z); 1 with no probes.
     */
    static double wilsonUpper(long bad, long n, double z) {
        if (n == 0) {
            return 1;
        }
        double p = (double) bad / n;
        double z2 = z * z;
        return Math.min(1, (p + z2 / (2 * n) + z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n))) / (1 + z2 / n));
    }

    /** {@code bad} of {@code n}, shrunk towards {@code usual} by the weight of {@link #SHRINK_PROBES} probes. */
    static double shrunk(long bad, long n, double usual) {
        double prior = Double.isNaN(usual) ? 0 : usual;
        return (bad + SHRINK_PROBES * prior) / (n + SHRINK_PROBES);
    }

    private static long answered(WindowStats stats) {
        return stats.samples() - stats.failures();
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
        private final long[] answered;
        private final long[] baseFailures;
        private final long[] baseProbes;
        private final long[] baseAnswered;
        private final ChangePointMixture.Runs runs;

        Window(Observation observation) {
            this.observation = observation;
            int slots = observation.slots();
            candidate = lay(observation.candidate(), slots);
            baseline = lay(observation.baseline(), slots);
            probes = counts(candidate, Bucket::probes);
            answered = counts(candidate, Bucket::answered);
            baseFailures = counts(baseline, Bucket::failures);
            baseProbes = counts(baseline, Bucket::probes);
            baseAnswered = counts(baseline, Bucket::answered);
            runs = new ChangePointMixture.Runs(counts(candidate, Bucket::longestFailureRun),
                    counts(candidate, Bucket::longestFailureRunMs), policy().outageToleranceMs());
        }

        Policy policy() {
            return observation.deployment().policy();
        }

        /**
         * The change-point mixture of {@code term} over the window, on the new version's {@code bad}
         * outcomes and the baseline's alike; {@code failures}: they are failed probes (out of all
         * probes, the longest run of one host counting once), else slow answers (out of the answers).
         */
        Evidence scan(ToLongFunction<Bucket> bad, boolean failures, ChangePointMixture.Term term) {
            long firstChangePoint = (observation.fromMs() - observation.firstBucketMs()) / observation.bucketMs();
            long[] baseBad = failures ? baseFailures : counts(baseline, bad);
            return ChangePointMixture.scan(counts(candidate, bad), failures ? probes : answered, baseBad,
                    failures ? baseProbes : baseAnswered,
                    failures ? runs : ChangePointMixture.Runs.none(probes.length),
                    firstChangePoint, MIN_EVIDENCE_BUCKETS, policy().minSamples(), term);
        }

        /** The baseline's usual share of slow answers, over its whole history in the window; NaN without one. */
        double baselineUsualSlowShare(ToLongFunction<Bucket> slow) {
            WindowStats history = observation.baselineHistory();
            return rate(history.buckets().stream().mapToLong(slow).sum(), answered(history));
        }

    

        WindowStats candidateSince(Evidence evidence) {
            return observation.candidate().since(slotStart(evidence.fromSlot()));
        }

        WindowStats baselineSince(Evidence evidence) {
            return observation.baseline().since(slotStart(evidence.fromSlot()));
        }

        Breach breach(Evidence evidence, String metric, double observed, double threshold, Double baseline,
                      long baselineSamples, String test, double logThreshold, Optional<Instant> firstBad) {
            ActiveDeployment deployment = observation.deployment();
            // Detected at the decisive probe's own time, so a replay detects it at the same instant.
            Instant detectedAt = observation.probe().probedAt();
            long spanMs = (long) (probes.length - evidence.fromSlot()) * observation.bucketMs();
            return new Breach(EventIds.breach(deployment.deploymentId()), KanaryEvent.SCHEMA_VERSION,
                    deployment.deploymentId(), deployment.service(), deployment.version(),
                    deployment.baselineVersion(), metric, observed, threshold, baseline, spanMs, evidence.probes(),
                    baselineSamples,
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
