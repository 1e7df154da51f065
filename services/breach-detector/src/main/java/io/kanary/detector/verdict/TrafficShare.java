package io.kanary.detector.verdict;

import io.kanary.detector.stats.ChangePointMixture.Evidence;
import io.kanary.detector.window.EvidenceWindow;
import io.kanary.detector.window.WindowStats;
import io.kanary.schema.Breach;
import java.util.Optional;

/**
 * How many of a breach's samples on each side were requests of traffic samples (the rest are probes),
 * so that its explanation names the evidence. Both null when neither side held traffic: a breach on
 * probes alone reads as it always has.
 */
record TrafficShare(Long requests, Long baselineRequests) {
    private static final TrafficShare NONE = new TrafficShare(null, null);

    /**
     * @param baselineSamples the baseline's samples the finding shows: the tests take them from the
     *                        baseline's same seconds or from its whole history, counting every outcome
     *                        or the answered ones; the count tells which (two of these that are equal
     *                        hold the same requests, as they differ only by outcomes without any)
     */
    static TrafficShare of(EvidenceWindow window, Evidence evidence, String metric, long baselineSamples) {
        WindowStats span = window.candidateSince(evidence);
        // An error test counts every outcome; a latency test the answered ones.
        long requests = Math.min(evidence.probes(),
                Breach.ERROR_RATE.equals(metric) ? span.requests() : span.answeredRequests());
        long baselineRequests = baselineRequests(window.baselineSince(evidence), baselineSamples)
                .or(() -> baselineRequests(window.observation().baselineHistory(), baselineSamples))
                .orElse(0L);
        return requests == 0 && baselineRequests == 0 ? NONE : new TrafficShare(requests, baselineRequests);
    }

    private static Optional<Long> baselineRequests(WindowStats stats, long samples) {
        if (stats.samples() == samples) {
            return Optional.of(stats.requests());
        }
        if (stats.answered() == samples) {
            return Optional.of(stats.answeredRequests());
        }
        return Optional.empty();
    }
}
