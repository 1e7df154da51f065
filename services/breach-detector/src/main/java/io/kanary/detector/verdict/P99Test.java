package io.kanary.detector.verdict;

import io.kanary.detector.baseline.BaselineRate;
import io.kanary.detector.stats.ChangePointMixture.Evidence;
import io.kanary.detector.stats.MsprtByBound;
import io.kanary.detector.window.Bucket;
import io.kanary.detector.window.EvidenceWindow;
import io.kanary.detector.window.WindowStats;
import io.kanary.schema.Breach;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * p99 ≤ L means at most 1% of answers are slower than L: mSPRT on "slower than L" (counted from
 * the sketches), H0: P(latency &gt; L) ≤ 1%, or the baseline's share over the same seconds (shrunk
 * towards its usual share) where that is higher. The two p99 tests differ in L and in the baseline
 * figure their breach shows.
 */
abstract sealed class P99Test implements SequentialTest permits P99VsLimit, P99VsBaseline {
    /** Share of probes allowed above the p99 limit. */
    static final double P99_TAIL = 0.01;

    /** The baseline's figure a breach shows beside the new version's p99, and the probes it rests on. */
    record BaselineFigure(Double p99, long samples) {
    }

    abstract TestName name();

    /** L, in ms; NaN when there is nothing to hold the new version to (yet). */
    abstract double limitMs(EvidenceWindow window);

    abstract BaselineFigure baseline(EvidenceWindow window, Evidence evidence);

    @Override
    public final Optional<Breach> judge(EvidenceWindow window, double logThreshold) {
        double limitMs = limitMs(window);
        if (Double.isNaN(limitMs)) {
            return Optional.empty();
        }
        ToLongFunction<Bucket> slow = bucket -> bucket.countAbove(limitMs);
        double usual = window.baselineUsualSlowShare(slow);
        Evidence evidence = window.scanSlow(slow, MsprtByBound.term(
                (baseBad, baseProbes) -> Math.max(P99_TAIL, BaselineRate.shrunk(baseBad, baseProbes, usual))));
        if (!evidence.concludes(logThreshold)) {
            return Optional.empty();
        }
        WindowStats span = window.candidateSince(evidence);
        BaselineFigure baseline = baseline(window, evidence);
        return Optional.of(new Finding(Breach.P99_LATENCY_MS, span.p99(), limitMs, baseline.p99(), baseline.samples(),
                name(), span.firstLatencyAbove((long) Math.floor(limitMs)))
                .breach(window, evidence, logThreshold));
    }
}
