package io.kanary.detector.verdict;

import io.kanary.detector.baseline.BaselineRate;
import io.kanary.detector.stats.ChangePointMixture.Evidence;
import io.kanary.detector.stats.MsprtByBound;
import io.kanary.detector.stats.NullBound;
import io.kanary.detector.window.EvidenceWindow;
import io.kanary.schema.Breach;
import io.kanary.schema.Policy;
import java.util.Optional;

/**
 * mSPRT on failed probes, H0: p ≤ maxErrorRate, or the baseline's share over the same seconds
 * (shrunk towards its usual rate) plus the margin where that is higher: shared trouble is not the
 * new version's fault.
 */
final class ErrorRateVsLimit implements SequentialTest {
    @Override
    public Optional<Breach> judge(EvidenceWindow window, double logThreshold) {
        Policy policy = window.policy();
        double usual = window.observation().baselineHistory().errorRate();
        NullBound bound = (baseBad, baseProbes) -> Math.max(policy.maxErrorRate(),
                BaselineRate.shrunk(baseBad, baseProbes, usual) + policy.errorRateMargin());
        Evidence evidence = window.scanFailures(MsprtByBound.term(bound));
        if (!evidence.concludes(logThreshold)) {
            return Optional.empty();
        }
        Double baseline = evidence.baseProbes() == 0 ? null : Finding.rate(evidence.baseBad(), evidence.baseProbes());
        return Optional.of(new Finding(Breach.ERROR_RATE, Finding.rate(evidence.bad(), evidence.probes()),
                bound.at(evidence.baseBad(), evidence.baseProbes()), baseline, evidence.baseProbes(),
                TestName.ERROR_RATE_LIMIT, window.candidateSince(evidence).firstFailureAt())
                .breach(window, evidence, logThreshold));
    }
}
