package io.kanary.detector.verdict;

import io.kanary.detector.baseline.BaselineRate;
import io.kanary.detector.stats.ChangePointMixture;
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
 *
 * <p><b>Probes and requests are separate evidence</b>, each held to its own L: the probes' from the
 * baseline's probe quantile (their sketch is exact to 1%), the requests' from the upper bound of the baseline's
 * histogram bucket that holds its quantile. A request counts as slower only when its whole histogram bucket
 * lies above its L; one whose bucket straddles L counts as not slower, which only weakens the requests'
 * evidence. Summed into one count, thirty straddling requests a second would drown the ten probes that show a
 * median regression; leaving them out instead would not be sound (the share of the rest above L can exceed ½
 * while the median does not). So each start of the evidence weighs Λ_probes · (½ + ½ · Λ_requests)
 * ({@link ChangePointMixture#scanApart}, where the argument that this keeps the guarantee is): with no requests
 * it is the probes' statistic exactly, and requests that cannot show the regression cost at most log 2.
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
        double factor = ratio.applyAsDouble(window.policy());
        double probeLimitMs = history.answeredProbes() < MIN_BASELINE_ANSWERS ? Double.NaN
                : limit(factor, history.probeQuantile(quantile));
        double requestLimitMs = history.answeredRequests() < MIN_BASELINE_ANSWERS ? Double.NaN
                : limit(factor, history.requestQuantileUpperBoundMs(quantile));
        if (Double.isNaN(probeLimitMs) && Double.isNaN(requestLimitMs)) {
            return Optional.empty();
        }
        Evidence evidence = window.scanSlowApart(
                bucket -> Double.isNaN(probeLimitMs) ? 0 : bucket.probesAbove(probeLimitMs),
                term(window, probeLimitMs, bucket -> bucket.probesAbove(probeLimitMs), Bucket::answeredProbes),
                bucket -> Double.isNaN(requestLimitMs) ? 0 : bucket.requestsAbove(requestLimitMs),
                term(window, requestLimitMs, bucket -> bucket.requestsAbove(requestLimitMs), Bucket::answeredRequests));
        if (!evidence.concludes(logThreshold)) {
            return Optional.empty();
        }
        // The breach shows the probes' limit where there is one: the bound the probes, the finer evidence, are held to.
        double limitMs = Double.isNaN(probeLimitMs) ? requestLimitMs : probeLimitMs;
        double baselineMs = history.quantile(quantile);
        WindowStats span = window.candidateSince(evidence);
        return Optional.of(new Finding(metric, span.quantile(quantile), limitMs, baselineMs, history.samples(), name,
                span.firstLatencyAbove((long) Math.floor(limitMs)))
                .breach(window, evidence, logThreshold));
    }

    /** ratio × the baseline's quantile, and at least {@value #MIN_SLOWDOWN_MS} ms above it; NaN without one. */
    private static double limit(double ratio, double baselineMs) {
        return Math.max(ratio * baselineMs, baselineMs + MIN_SLOWDOWN_MS);
    }

    /**
     * The mSPRT on one kind's outcomes slower than its own limit: H0: P(latency &gt; L) ≤ 1 − q, or the
     * baseline's share of the same kind over the same seconds (shrunk towards its usual share) where that is
     * higher. Without a limit (too little baseline of that kind) the kind is no evidence: its factor is 1.
     */
    private ChangePointMixture.Term term(EvidenceWindow window, double limitMs, ToLongFunction<Bucket> slow,
                                         ToLongFunction<Bucket> of) {
        if (Double.isNaN(limitMs)) {
            return (bad, outcomes, baseBad, baseOutcomes) -> 0;
        }
        double tail = 1 - quantile;
        double usual = window.baselineUsualShare(slow, of);
        return MsprtByBound.term((baseBad, baseOutcomes) -> Math.max(tail, BaselineRate.shrunk(baseBad, baseOutcomes, usual)));
    }
}
