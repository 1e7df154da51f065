package io.kanary.detector.verdict;

import io.kanary.detector.baseline.BaselineRate;
import io.kanary.detector.stats.ChangePointMixture.Evidence;
import io.kanary.detector.stats.MsprtByBound;
import io.kanary.detector.window.Bucket;
import io.kanary.detector.window.EvidenceWindow;
import io.kanary.detector.window.WindowStats;
import io.kanary.schema.Breach;
import io.kanary.schema.Policy;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The new version's q-quantile against {@code ratio} × the baseline's usual q-quantile. The q-quantile
 * is at most L exactly when at most a share 1 − q of the answers is slower than L, so with
 * L = ratio × the baseline's quantile this is the mSPRT on "slower than L" (counted from the sketches),
 * H0: P(latency &gt; L) ≤ 1 − q, or the baseline's share over the same seconds (shrunk towards its usual
 * share) where that is higher: a slowdown of both versions is not the new version's fault. The same
 * machinery as the p99 tests, at another quantile; for the median the tail is ½, so the test asks
 * whether more than half of the new version's answers are slower than {@code maxMedianRatio} × the
 * baseline's median.
 *
 * <p>L is a plug-in estimate of the baseline's quantile over its history, so this test's guarantee is
 * approximate, like the p99's against the baseline. A median is well estimated from a hundred answers
 * (the p99 is not), so the baseline needs {@value #MIN_BASELINE_ANSWERS} and the new version only the
 * policy's {@code minSamples}: its evidence is weighed by the test itself.
 */
final class QuantileVsBaseline implements SequentialTest {
    /** Answered probes of the baseline's history before its quantile is a reference. */
    static final int MIN_BASELINE_ANSWERS = 100;
    /**
     * A quantile (median or p99) within this many ms of the baseline's is no regression however large the ratio: probe
     * latencies are whole ms, and a fast service's 1 ms median against 4 ms is a probe's own overhead
     * (a command check starting a process), not its users waiting.
     */
    static final double MIN_SLOWDOWN_MS = 10;

    private final double quantile;
    private final ToDoubleFunction<Policy> ratio;
    private final TestName name;
    private final String metric;

    private QuantileVsBaseline(double quantile, ToDoubleFunction<Policy> ratio, TestName name, String metric) {
        this.quantile = quantile;
        this.ratio = ratio;
        this.name = name;
        this.metric = metric;
    }

    /** The median against {@code maxMedianRatio} × the baseline's. */
    static QuantileVsBaseline median() {
        return new QuantileVsBaseline(0.5, Policy::maxMedianRatio, TestName.MEDIAN_BASELINE, Breach.MEDIAN_LATENCY_MS);
    }

    @Override
    public Optional<Breach> judge(EvidenceWindow window, double logThreshold) {
        WindowStats history = window.observation().baselineHistory();
        if (history.samples() - history.failures() < MIN_BASELINE_ANSWERS) {
            return Optional.empty();
        }
        double baselineMs = history.quantile(quantile);
        double limitMs = Math.max(ratio.applyAsDouble(window.policy()) * baselineMs, baselineMs + MIN_SLOWDOWN_MS);
        if (Double.isNaN(limitMs)) {
            return Optional.empty();
        }
        double tail = 1 - quantile;
        ToLongFunction<Bucket> slow = bucket -> bucket.countAbove(limitMs);
        double usual = window.baselineUsualSlowShare(slow);
        Evidence evidence = window.scanSlow(slow, MsprtByBound.term(
                (baseBad, baseProbes) -> Math.max(tail, BaselineRate.shrunk(baseBad, baseProbes, usual))));
        if (!evidence.concludes(logThreshold)) {
            return Optional.empty();
        }
        WindowStats span = window.candidateSince(evidence);
        return Optional.of(new Finding(metric, span.quantile(quantile), limitMs, baselineMs, history.samples(), name,
                span.firstLatencyAbove((long) Math.floor(limitMs)))
                .breach(window, evidence, logThreshold));
    }
}
