package io.kanary.detector.verdict;

import io.kanary.detector.baseline.BaselineRate;
import io.kanary.detector.stats.BernoulliMsprt;
import io.kanary.detector.stats.ChangePointMixture;
import io.kanary.detector.window.EvidenceWindow;
import io.kanary.detector.window.Observation;
import io.kanary.schema.Breach;
import io.kanary.schema.Policy;
import java.util.List;
import java.util.Optional;

/**
 * The policy applied to an observation: five sequential tests, each of which may conclude at any
 * probe, tried in this order; each rests on at least the policy's {@code minSamples} probes of the new version.
 * <ol>
 * <li><b>mSPRT error rate &gt; limit</b> ({@link ErrorRateVsLimit}): {@link BernoulliMsprt} on failed
 *     probes, H0: p ≤ maxErrorRate.</li>
 * <li><b>mSPRT error rate vs baseline</b> ({@link ErrorRateVsBaseline}): the same test, H0: p ≤ p_base +
 *     errorRateMargin, where p_base is the baseline's <em>usual</em> error rate: over the policy's whole
 *     window (also from before the deployment), counted generously — the upper end of its Wilson
 *     interval at z = {@value BaselineRate#REFERENCE_Z} — so that a short baseline history is not taken
 *     at its word. Held against the baseline's long record rather than its probes of the same seconds,
 *     a 30% failure needs about 60% of the probes that the 5% limit needs (19 against 32 in the median,
 *     {@code BaselineTestSpeedTest}), and 5% against a 1% baseline concludes at all.
 *     The price: p_base is an estimate, so this test's α is approximate (the margin absorbs the
 *     estimate's error: a healthy version fails no more than its baseline).</li>
 * <li><b>p99 vs limit</b> ({@link P99VsLimit}): p99 ≤ L means at most 1% of probes are slower than L,
 *     so H0: P(latency &gt; L) ≤ 1%, tested by {@link BernoulliMsprt} on "slower than L" (counted from
 *     the sketches).</li>
 * <li><b>p99 vs baseline</b> ({@link P99VsBaseline}): the same test against L' = maxP99Ratio × the
 *     baseline's usual p99, once both sides have {@value P99VsBaseline#MIN_QUANTILE_SAMPLES} probes
 *     (fewer, and a p99 is merely the maximum). L' too is a plug-in estimate, so this test's guarantee
 *     is approximate.</li>
 * <li><b>median vs baseline</b> ({@link QuantileVsBaseline#median()}): the median ≤ L'' means at most half
 *     of the answers are slower than L'', so H0: P(latency &gt; L'') ≤ ½ with L'' = maxMedianRatio × the
 *     baseline's usual median, once the baseline's history holds {@value QuantileVsBaseline#MIN_BASELINE_ANSWERS}
 *     answers. A version twice as slow in the middle of its distribution is a breach even where its p99
 *     stays under both p99 bounds; and the median of a few hundred probes is a steady figure where their
 *     p99 is not. Approximate for the same reason as test 4. Probes and traffic requests are separate
 *     evidence here, each held to its own L'' ({@link QuantileVsBaseline}), so coarse histogram buckets
 *     cannot drown what the probes show.</li>
 * </ol>
 * <b>Shared trouble is not the new version's fault.</b> Each test looks at every possible start of
 * its evidence, and at each the new version may do as badly as the baseline does over the same
 * seconds (plus the margin, for error rates): the null bound is the larger of the test's own and
 * the baseline's share of bad outcomes there, shrunk towards its usual share by the weight of
 * {@value BaselineRate#SHRINK_PROBES} probes so that two unlucky probes are not a trend. A dependency
 * failing both versions, or a slow network slowing both, then gives no verdict; the new version failing on
 * its own still does. A larger bound only makes a test harder to conclude; as the bound moves with
 * the baseline's probes, the guarantee is approximate here too.
 *
 * <p>Each test is a {@link ChangePointMixture} over the possible starts of its evidence and concludes
 * at log(1/(share × α)) ({@link AlphaShare}): the tests share the policy's α (Bonferroni), so a healthy
 * deployment is rolled back with probability at most α however long it runs. The two error tests and
 * the p99 limit test keep a quarter each (log(4/α), as before the median test came); the two tests of
 * latency against the baseline split the last quarter, an eighth each (log(8/α)): the shares still sum to
 * one, so the bound holds, and an error rate or an absolute p99 is judged exactly as before. No flapping: the longest run of one host's
 * consecutive failures counts as one failure when it spans less than the policy's
 * {@code outageToleranceMs}, and every test needs its bad outcomes in at least
 * {@value EvidenceWindow#MIN_EVIDENCE_BUCKETS} distinct buckets, so neither one slow probe nor a
 * one-second outage decides anything, however many probes it spoils.
 */
public final class Judgement {
    /** The tests with their shares of α, in the order they are tried: the first to conclude makes the breach. */
    private static final List<AlphaShare> IN_ORDER = AlphaShare.summingToOne(
            new AlphaShare(new ErrorRateVsLimit(), 4), new AlphaShare(new ErrorRateVsBaseline(), 4),
            new AlphaShare(new P99VsLimit(), 4), new AlphaShare(new P99VsBaseline(), 8),
            new AlphaShare(QuantileVsBaseline.median(), 8));

    private Judgement() {
    }

    public static Verdict of(Observation observation) {
        Policy policy = observation.deployment().policy();
        if (observation.candidate().samples() < policy.minSamples() || observation.slots() <= 0) {
            return new Verdict(observation, null);
        }
        EvidenceWindow window = new EvidenceWindow(observation);
        for (AlphaShare share : IN_ORDER) {
            Optional<Breach> breach = share.test().judge(window, share.logThreshold(policy.alpha()));
            if (breach.isPresent()) {
                return new Verdict(observation, breach.get());
            }
        }
        return new Verdict(observation, null);
    }
}
