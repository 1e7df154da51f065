package io.kanary.detector.verdict;

import io.kanary.detector.state.ActiveDeployment;
import io.kanary.detector.window.Observation;
import io.kanary.detector.window.WindowStats;
import io.kanary.schema.Breach;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import java.time.Instant;
import java.util.function.ToDoubleFunction;

/**
 * The policy applied to an observation. Nothing is judged before the window holds the policy's
 * minimum samples of the new version; then the error rate is checked first, then the p99 latency.
 */
public final class Judgement {
    private Judgement() {
    }

    public static Verdict of(Observation observation) {
        Policy policy = observation.deployment().policy();
        WindowStats candidate = observation.candidate();
        if (candidate.samples() < policy.minSamples()) {
            return new Verdict(observation, null);
        }
        if (candidate.errorRate() > policy.maxErrorRate()) {
            return breach(observation, Breach.ERROR_RATE, WindowStats::errorRate, policy.maxErrorRate(),
                    candidate.firstFailureAt().orElse(null));
        }
        if (candidate.p99() > policy.maxP99LatencyMs()) {
            return breach(observation, Breach.P99_LATENCY_MS, WindowStats::p99, policy.maxP99LatencyMs(),
                    candidate.firstLatencyAbove(policy.maxP99LatencyMs()).orElse(null));
        }
        return new Verdict(observation, null);
    }

    private static Verdict breach(Observation observation, String metric, ToDoubleFunction<WindowStats> measure,
                                  double threshold, Instant firstBadProbeAt) {
        ActiveDeployment deployment = observation.deployment();
        WindowStats baseline = observation.baseline();
        // Detected at the decisive probe's own time, so a replay detects it at the same instant.
        Instant detectedAt = observation.probe().probedAt();
        Breach breach = new Breach(EventIds.breach(deployment.deploymentId()), KanaryEvent.SCHEMA_VERSION,
                deployment.deploymentId(), deployment.service(), deployment.version(), deployment.baselineVersion(),
                metric, measure.applyAsDouble(observation.candidate()), threshold,
                baseline.samples() == 0 ? null : measure.applyAsDouble(baseline), deployment.policy().windowMs(),
                observation.candidate().samples(), baseline.samples(),
                // The sketch's p99 is accurate to a relative error, so it may sit just above the limit while no
                // probe does; the decisive probe then stands for the first bad one.
                firstBadProbeAt == null ? detectedAt : firstBadProbeAt, detectedAt);
        return new Verdict(observation, breach);
    }
}
