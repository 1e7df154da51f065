package io.kanary.bench.scenario;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import java.time.Instant;
import java.util.List;

/**
 * One generated run of a traffic scenario: the deployment, every instance's per-second traffic
 * samples (in order of their interval's end) and the probes of both versions (in probe-time order).
 *
 * @param onset when the scenario's change begins (the warm-up before it is healthy)
 * @param end   the last moment the run covers
 */
public record TrafficStream(TrafficScenario scenario, long seed, DeploymentEvent.Started started, Instant onset,
                            Instant end, List<TrafficSample> samples, List<ProbeResult> probes) {
    public TrafficStream {
        samples = List.copyOf(samples);
        probes = List.copyOf(probes);
    }

    /** The samples of {@code version} only. */
    public List<TrafficSample> samplesOf(String version) {
        return samples.stream().filter(s -> s.version().equals(version)).toList();
    }

    /** The hosts {@code version} serves on, in order. */
    public List<String> hostsOf(String version) {
        return samples.stream().filter(s -> s.version().equals(version)).map(TrafficSample::hostId).distinct().sorted()
                .toList();
    }
}
