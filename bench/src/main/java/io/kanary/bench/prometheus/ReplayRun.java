package io.kanary.bench.prometheus;

import io.kanary.bench.scenario.ProbeStream;
import io.kanary.bench.scenario.ProbeStreamGenerator;
import io.kanary.bench.scenario.Scenario;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One probe stream as the replay exporter serves it: its {@code run} label, where its onset and end
 * fall after {@link ProbeStreamGenerator#T0}, and its probes per version. Holding only this (not the
 * probes themselves) keeps a couple of hundred runs small.
 *
 * @param label   the value of the {@code run} label, {@code <scenario>/<seed>}
 * @param lag     how long after the replay's common start this run's T0 falls (0: at it)
 * @param onset   the onset's offset from T0 (the warm-up)
 * @param end     the last probe time's offset from T0 (warm-up plus horizon)
 * @param versions per version label ({@code v1}, {@code v2}), its probes
 */
record ReplayRun(String label, Scenario scenario, long seed, Duration lag, Duration onset, Duration end,
                 Map<String, ReplaySeries> versions) {
    ReplayRun {
        Objects.requireNonNull(label, "label");
        if (lag.isNegative()) {
            throw new IllegalArgumentException("a run cannot start before the replay, lag " + lag);
        }
        versions = Map.copyOf(versions);
    }

    /** The same run, its T0 {@code lag} after the replay's start. */
    ReplayRun withLag(Duration lag) {
        return new ReplayRun(label, scenario, seed, lag, onset, end, versions);
    }

    static ReplayRun of(ProbeStream stream) {
        Map<String, ReplaySeries> versions = new LinkedHashMap<>();
        for (String version : new String[] {ProbeStreamGenerator.BASELINE, ProbeStreamGenerator.CANDIDATE}) {
            versions.put(version, ReplaySeries.of(stream.of(version)));
        }
        return new ReplayRun(label(stream.scenario(), stream.seed()), stream.scenario(), stream.seed(), Duration.ZERO,
                Duration.between(ProbeStreamGenerator.T0, stream.onset()),
                Duration.between(ProbeStreamGenerator.T0, stream.end()), versions);
    }

    static String label(Scenario scenario, long seed) {
        return scenario.name() + "/" + seed;
    }
}
