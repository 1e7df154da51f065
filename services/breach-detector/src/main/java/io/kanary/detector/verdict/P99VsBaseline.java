package io.kanary.detector.verdict;

import io.kanary.detector.stats.ChangePointMixture.Evidence;
import io.kanary.detector.window.EvidenceWindow;
import io.kanary.detector.window.WindowStats;

/**
 * The new version's p99 against {@code maxP99Ratio} × the baseline's usual p99, once both sides have
 * {@value #MIN_QUANTILE_SAMPLES} answered probes (fewer, and a p99 is merely the maximum). L is a
 * plug-in estimate, so this test's guarantee is approximate.
 */
final class P99VsBaseline extends P99Test {
    /** Answered probes per side before a p99 is compared with the baseline's. */
    static final int MIN_QUANTILE_SAMPLES = 100;

    @Override
    TestName name() {
        return TestName.P99_BASELINE;
    }

    @Override
    double limitMs(EvidenceWindow window) {
        WindowStats history = window.observation().baselineHistory();
        WindowStats candidate = window.observation().candidate();
        if (answered(history) < MIN_QUANTILE_SAMPLES || answered(candidate) < MIN_QUANTILE_SAMPLES) {
            return Double.NaN;
        }
        // NaN without an answered probe of the baseline; within MIN_SLOWDOWN_MS of it, no regression at any ratio.
        return Math.max(window.policy().maxP99Ratio() * history.p99(),
                history.p99() + QuantileVsBaseline.MIN_SLOWDOWN_MS);
    }

    @Override
    BaselineFigure baseline(EvidenceWindow window, Evidence evidence) {
        WindowStats history = window.observation().baselineHistory();
        return new BaselineFigure(history.p99(), history.samples());
    }

    private static long answered(WindowStats stats) {
        return stats.answered();
    }
}
