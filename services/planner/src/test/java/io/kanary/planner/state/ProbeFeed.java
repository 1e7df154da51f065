package io.kanary.planner.state;

import io.kanary.checks.HealthStreaks;
import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Feeds probes to a planner the way they reach it: counted into instance.health by the prober's
 * {@link HealthStreaks}. Summaries are not thinned here (every probe gives one), so a test's probe
 * times are exactly what the gate sees.
 */
final class ProbeFeed {
    private final HealthStreaks streaks = new HealthStreaks(Duration.ZERO);

    List<Emission> probe(Planner planner, ProbeResult probe, Instant now) {
        return planner.onInstanceHealth(streaks.next(probe).orElseThrow(), now);
    }
}
