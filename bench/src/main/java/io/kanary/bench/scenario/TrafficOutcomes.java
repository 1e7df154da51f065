package io.kanary.bench.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What each judge did over the runs of one traffic scenario (seeds 1..n), per seed the time from
 * the onset to its rollback in ms, or null when it never rolled back. The Flagger lists are empty
 * when promtool was not run, kanary's when the detector was not run.
 *
 * @param kanaryFedTraffic whether the detector was fed the traffic samples (else probes only)
 */
public record TrafficOutcomes(TrafficScenario scenario, boolean kanaryFedTraffic, List<Long> kanary,
                              List<Long> flaggerEvery60s, List<Long> flaggerEvery10s) {
    public TrafficOutcomes {
        kanary = Collections.unmodifiableList(new ArrayList<>(kanary));
        flaggerEvery60s = Collections.unmodifiableList(new ArrayList<>(flaggerEvery60s));
        flaggerEvery10s = Collections.unmodifiableList(new ArrayList<>(flaggerEvery10s));
    }

    /** Runs of the scenario: of every judge that was run (a judge not run has an empty list). */
    public int runs() {
        return Math.max(kanary.size(), Math.max(flaggerEvery60s.size(), flaggerEvery10s.size()));
    }

    /** Runs in which the judge rolled back. */
    public static int rollbacks(List<Long> times) {
        return (int) times.stream().filter(Objects::nonNull).count();
    }

    /** Rollbacks decided before the onset, in the healthy warm-up: false whatever the scenario. */
    public static int early(List<Long> times) {
        return (int) times.stream().filter(t -> t != null && t < 0).count();
    }
}
