package io.kanary.bench.scenario;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.ProbeResult;
import java.time.Instant;
import java.util.List;

/**
 * One generated run of a scenario: the deployment, then every probe of both versions in probe-time
 * order.
 *
 * @param onset when the scenario's change begins (the warm-up before it is healthy)
 * @param end   the last moment the run covers
 */
public record ProbeStream(Scenario scenario, long seed, DeploymentEvent.Started started, Instant onset, Instant end,
                          List<ProbeResult> probes) {
    public ProbeStream {
        probes = List.copyOf(probes);
    }

    /** The probes of {@code version} only. */
    public List<ProbeResult> of(String version) {
        return probes.stream().filter(p -> p.version().equals(version)).toList();
    }
}
