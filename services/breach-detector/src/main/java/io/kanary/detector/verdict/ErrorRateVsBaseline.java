package io.kanary.detector.verdict;

import io.kanary.detector.baseline.BaselineRate;
import io.kanary.detector.stats.ChangePointMixture.Evidence;
import io.kanary.detector.stats.MsprtByBound;
import io.kanary.detector.stats.NullBound;
import io.kanary.detector.window.EvidenceWindow;
import io.kanary.detector.window.WindowStats;
import io.kanary.schema.Breach;
import io.kanary.schema.Policy;
import java.util.Optional;

/**
 * mSPRT on failed probes, H0: p ≤ p_base + errorRateMargin, p_base the baseline's usual rate
 * counted generously, or its rate over the same seconds if that is higher ({@link BaselineRate#heldTo});
 * only once the baseline's history holds the policy's {@code minSamples} probes.
 */
final class ErrorRateVsBaseline implements SequentialTest {
    @Override
    public Optional<Breach> judge(EvidenceWindow window, double logThreshold) {
        Policy policy = window.policy();
        WindowStats history = window.observation().baselineHistory();
        if (history.samples() < policy.minSamples()) {
            return Optional.empty();
        }
        NullBound heldTo = (baseBad, baseProbes) ->
                BaselineRate.heldTo(history.failures(), history.samples(), baseBad, baseProbes);
        Evidence evidence = window.scanFailures(MsprtByBound.term(
                (baseBad, baseProbes) -> heldTo.at(baseBad, baseProbes) + policy.errorRateMargin()));
        if (!evidence.concludes(logThreshold)) {
            return Optional.empty();
        }
        double held = heldTo.at(evidence.baseBad(), evidence.baseProbes());
        double usual = BaselineRate.wilsonUpper(history.failures(), history.samples(), BaselineRate.REFERENCE_Z);
        // The baseline's side is its history, unless its probes of the same seconds were the worse.
        long baselineSamples = held > usual ? evidence.baseProbes() : history.samples();
        return Optional.of(new Finding(Breach.ERROR_RATE, Finding.rate(evidence.bad(), evidence.probes()),
                held + policy.errorRateMargin(), held, baselineSamples, TestName.ERROR_RATE_BASELINE,
                window.candidateSince(evidence).firstFailureAt())
                .breach(window, evidence, logThreshold));
    }
}
