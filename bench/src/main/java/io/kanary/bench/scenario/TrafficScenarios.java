package io.kanary.bench.scenario;

import io.kanary.schema.Policy;
import io.kanary.schema.TrafficSource;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The traffic rows: 3 instances of each version at 100 requests/s, probes at 10/s per version
 * beside them, the onset 30 s into the deployment as in the probe rows, 1% background errors, the
 * default policy with traffic read in the default metric names.
 */
public final class TrafficScenarios {
    public static final int INSTANCES = 3;
    public static final double REQUESTS_PER_SECOND = 100;
    public static final Duration BREACH_HORIZON = Duration.ofMinutes(3);
    public static final Duration HEALTHY_HORIZON = Duration.ofMinutes(2);
    /** The default policy, reading each instance's request metrics in the default (Micrometer) names. */
    public static final Policy POLICY = Policy.defaults().withTraffic(TrafficSource.defaults());
    private static final double BACKGROUND = Scenarios.BACKGROUND;

    private TrafficScenarios() {
    }

    public static List<TrafficScenario> all() {
        return List.of(
                row("traffic-healthy", "both versions at 1% errors", false,
                        Behaviour.steady(BACKGROUND), Behaviour.steady(BACKGROUND), HEALTHY_HORIZON),
                row("traffic-sudden-30%", "new version fails 30% from the onset", true,
                        Behaviour.step(BACKGROUND, 0.30), Behaviour.steady(BACKGROUND), BREACH_HORIZON),
                row("traffic-sudden-10%", "new version fails 10% from the onset", true,
                        Behaviour.step(BACKGROUND, 0.10), Behaviour.steady(BACKGROUND), BREACH_HORIZON),
                row("traffic-median-x2", "new version's latencies x2 (median 80 -> 160 ms)", true,
                        Behaviour.slower(BACKGROUND, 2), Behaviour.steady(BACKGROUND), BREACH_HORIZON),
                row("traffic-blip-1s", "the new version's instances are down for 1 s once", false,
                        Behaviour.blip(BACKGROUND, 1_000), Behaviour.steady(BACKGROUND), HEALTHY_HORIZON),
                row("traffic-shared-dependency", "both versions fail 20% from the onset (a shared dependency)", false,
                        Behaviour.step(BACKGROUND, 0.20), Behaviour.step(BACKGROUND, 0.20), HEALTHY_HORIZON));
    }

    public static TrafficScenario named(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no traffic scenario " + name + "; there are "
                        + all().stream().map(TrafficScenario::name).collect(Collectors.joining(", "))));
    }

    private static TrafficScenario row(String name, String description, boolean shouldRollBack, Behaviour candidate,
                                       Behaviour baseline, Duration horizon) {
        return new TrafficScenario(name, description, shouldRollBack, INSTANCES, REQUESTS_PER_SECOND, true,
                Scenarios.TRAFFIC, Scenarios.WARMUP, horizon, candidate, baseline, POLICY);
    }
}
