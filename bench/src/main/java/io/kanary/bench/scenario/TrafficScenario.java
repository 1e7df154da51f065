package io.kanary.bench.scenario;

import io.kanary.schema.Policy;
import java.time.Duration;
import java.util.Objects;

/**
 * One situation judged on the instances' own request metrics: {@code instances} instances of the new
 * version and as many of the baseline, each serving {@code requestsPerSecond}, with the health
 * probes at {@code probesPerSecond} per version beside them. Healthy for {@code warmup}, then each
 * version behaves as its {@link Behaviour} says until {@code horizon} after the onset.
 *
 * @param shouldRollBack whether a good judge rolls this deployment back (the new version is at fault)
 * @param poisson        requests per second Poisson-distributed around the rate (else exactly the rate)
 */
public record TrafficScenario(String name, String description, boolean shouldRollBack, int instances,
                              double requestsPerSecond, boolean poisson, double probesPerSecond, Duration warmup,
                              Duration horizon, Behaviour candidate, Behaviour baseline, Policy policy) {
    public TrafficScenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(baseline, "baseline");
        policy = policy == null ? Policy.defaults() : policy;
        if (instances < 1 || !(requestsPerSecond > 0) || !(probesPerSecond > 0)) {
            throw new IllegalArgumentException("a traffic scenario needs at least one instance per version and positive "
                    + "request and probe rates, were " + instances + ", " + requestsPerSecond + ", " + probesPerSecond);
        }
    }

    /** The same scenario, run for {@code horizon} after its onset. */
    public TrafficScenario withHorizon(Duration horizon) {
        return new TrafficScenario(name, description, shouldRollBack, instances, requestsPerSecond, poisson,
                probesPerSecond, warmup, horizon, candidate, baseline, policy);
    }

    /** The same scenario with exactly {@code requestsPerSecond} requests every second instead of a Poisson count. */
    public TrafficScenario withFixedRate() {
        return new TrafficScenario(name, description, shouldRollBack, instances, requestsPerSecond, false,
                probesPerSecond, warmup, horizon, candidate, baseline, policy);
    }

    /** The same scenario, judged with the policy's false-rollback probability set to {@code alpha}. */
    public TrafficScenario withAlpha(double alpha) {
        Policy p = policy;
        return new TrafficScenario(name, description, shouldRollBack, instances, requestsPerSecond, poisson,
                probesPerSecond, warmup, horizon, candidate, baseline, new Policy(p.maxErrorRate(), p.maxP99LatencyMs(),
                p.windowMs(), p.minSamples(), p.probeIntervalMs(), p.healthyProbes(), p.minHealthyMs(),
                p.healthDeadlineMs(), alpha, p.maxP99Ratio(), p.errorRateMargin(), p.outageToleranceMs(),
                p.startupGraceMs(), p.maxMedianRatio(), p.evidenceWaitMs(), p.onInconclusive(), p.traffic()));
    }

    /** The new version's requests per second over all its instances. */
    public double candidateRequestsPerSecond() {
        return instances * requestsPerSecond;
    }

    public boolean healthy() {
        return !shouldRollBack;
    }
}
