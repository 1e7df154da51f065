package io.kanary.bench.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * What the detector did over the runs of one scenario (seeds 1..n): per seed, the time from onset
 * to the rollback command in ms, or null when none came.
 */
public record ScenarioOutcomes(Scenario scenario, List<Long> sinceOnsetMillis) {
    public ScenarioOutcomes {
        sinceOnsetMillis = java.util.Collections.unmodifiableList(new ArrayList<>(sinceOnsetMillis));
    }

    public int runs() {
        return sinceOnsetMillis.size();
    }

    public int rollbacks() {
        return (int) sinceOnsetMillis.stream().filter(m -> m != null).count();
    }

    /** Rollbacks decided before the onset: during the healthy warm-up, so false ones whatever the scenario. */
    public int beforeOnset() {
        return (int) sinceOnsetMillis.stream().filter(m -> m != null && m < 0).count();
    }

    public Long quantile(double q) {
        return RunStats.quantile(sinceOnsetMillis, q);
    }

    /** The runs of seeds 1..n only. */
    public ScenarioOutcomes first(int n) {
        return new ScenarioOutcomes(scenario, sinceOnsetMillis.subList(0, Math.min(n, runs())));
    }
}
