package io.kanary.bench.scenario;

import io.kanary.schema.Policy;
import java.time.Duration;
import java.util.Objects;

/**
 * One situation a canary can be in: a deployment of the new version to one of {@code hosts} hosts
 * (the baseline keeps the others), both versions probed at {@code probesPerSecond} each, healthy for
 * {@code warmup}, then from the onset on each version behaves as its {@link Behaviour} says, until
 * {@code horizon} after the onset. The baseline may have served, and been probed, for
 * {@code history} before the deployment started.
 *
 * @param shouldRollBack whether a good judge rolls this deployment back (the new version is at fault)
 * @param history        how long the baseline's hosts were probed before the deployment started (null: none)
 */
public record Scenario(String name, String description, boolean shouldRollBack, double probesPerSecond, int hosts,
                       Duration warmup, Duration horizon, Behaviour candidate, Behaviour baseline, Policy policy,
                       Duration history) {
    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(baseline, "baseline");
        policy = policy == null ? Policy.defaults() : policy;
        history = history == null ? Duration.ZERO : history;
        if (!(probesPerSecond > 0)) {
            throw new IllegalArgumentException("probesPerSecond must be positive, was " + probesPerSecond);
        }
        if (hosts < 2) {
            throw new IllegalArgumentException("a canary needs at least 2 hosts, was " + hosts);
        }
    }

    /** The same scenario, run for {@code horizon} after its onset. */
    public Scenario withHorizon(Duration horizon) {
        return new Scenario(name, description, shouldRollBack, probesPerSecond, hosts, warmup, horizon, candidate,
                baseline, policy, history);
    }

    /** The same scenario, judged with the policy's false-rollback probability set to {@code alpha}. */
    public Scenario withAlpha(double alpha) {
        Policy p = policy;
        return new Scenario(name, description, shouldRollBack, probesPerSecond, hosts, warmup, horizon, candidate,
                baseline, new Policy(p.maxErrorRate(), p.maxP99LatencyMs(), p.windowMs(), p.minSamples(),
                p.probeIntervalMs(), p.healthyProbes(), p.minHealthyMs(), p.healthDeadlineMs(), alpha, p.maxP99Ratio(),
                p.errorRateMargin(), p.outageToleranceMs()), history);
    }

    /** Healthy scenarios are judged by their false-rollback rate, the others by detection and time to rollback. */
    public boolean healthy() {
        return !shouldRollBack;
    }
}
