package io.kanary.detector.verdict;

import io.kanary.detector.stats.ChangePointMixture.Evidence;
import io.kanary.detector.window.EvidenceWindow;
import io.kanary.detector.window.WindowStats;

/**
 * The new version's p99 against the policy's {@code maxP99LatencyMs}; its breach shows the baseline's
 * p99 over the same seconds.
 */
final class P99VsLimit extends P99Test {
    @Override
    TestName name() {
        return TestName.P99_LIMIT;
    }

    @Override
    double limitMs(EvidenceWindow window) {
        return window.policy().maxP99LatencyMs();
    }

    @Override
    BaselineFigure baseline(EvidenceWindow window, Evidence evidence) {
        WindowStats sameSeconds = window.baselineSince(evidence);
        return new BaselineFigure(sameSeconds.samples() == 0 ? null : sameSeconds.p99(), evidence.baseProbes());
    }
}
