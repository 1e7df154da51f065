package io.kanary.detector.verdict;

import io.kanary.detector.state.ActiveDeployment;
import io.kanary.detector.stats.ChangePointMixture.Evidence;
import io.kanary.detector.window.EvidenceWindow;
import io.kanary.schema.Breach;
import io.kanary.schema.KanaryEvent;
import java.time.Instant;
import java.util.Optional;

/**
 * What a concluding test found, in the breach's terms.
 *
 * @param baseline        the baseline's figure shown beside the observed one; null when it has none
 * @param baselineSamples the probes of the baseline that figure rests on
 * @param firstBad        when the first bad probe of the evidence was made, if known
 */
record Finding(String metric, double observed, double threshold, Double baseline, long baselineSamples, TestName test,
               Optional<Instant> firstBad) {

    /** The breach this finding makes, on {@code evidence} in {@code window}. */
    Breach breach(EvidenceWindow window, Evidence evidence, double logThreshold) {
        ActiveDeployment deployment = window.observation().deployment();
        // Detected at the decisive probe's own time, so a replay detects it at the same instant.
        Instant detectedAt = window.observation().probe().probedAt();
        TrafficShare traffic = TrafficShare.of(window, evidence, metric, baselineSamples);
        return new Breach(EventIds.breach(deployment.deploymentId()), KanaryEvent.SCHEMA_VERSION,
                deployment.deploymentId(), deployment.service(), deployment.version(),
                deployment.baselineVersion(), metric, observed, threshold, baseline, window.spanMs(evidence),
                evidence.probes(), baselineSamples,
                // The sketch counts a probe as slow only when certainly over the limit, so the first
                // such probe may be missed by the peaks; the decisive probe then stands for it.
                firstBad.filter(at -> !at.isAfter(detectedAt)).orElse(detectedAt), detectedAt, test.label(),
                evidence.logStatistic(), logThreshold, traffic.requests(), traffic.baselineRequests());
    }

    /** {@code bad} of {@code probes}; NaN with no probes. */
    static double rate(long bad, long probes) {
        return probes == 0 ? Double.NaN : (double) bad / probes;
    }
}
