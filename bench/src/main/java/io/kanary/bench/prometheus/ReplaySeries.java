package io.kanary.bench.prometheus;

import io.kanary.bench.scenario.ProbeStreamGenerator;
import io.kanary.schema.ProbeResult;
import java.util.List;

/**
 * One version's probes in one run, kept as the exporter needs them: the probe times as sorted
 * milliseconds since {@link ProbeStreamGenerator#T0}, and the running count of failed probes, so
 * that the counters at any moment are one binary search.
 */
final class ReplaySeries {
    private final long[] offsetsMs;
    /** {@code errorsAmongFirst[i]}: failed probes among the first {@code i}; one longer than {@code offsetsMs}. */
    private final int[] errorsAmongFirst;

    /** The counters' values: probes so far, and the failed ones among them. */
    record Counts(long probes, long errors) {
    }

    private ReplaySeries(long[] offsetsMs, int[] errorsAmongFirst) {
        this.offsetsMs = offsetsMs;
        this.errorsAmongFirst = errorsAmongFirst;
    }

    /** @param probes in probe-time order, as a {@code ProbeStream} holds them */
    static ReplaySeries of(List<ProbeResult> probes) {
        long[] offsets = new long[probes.size()];
        int[] errors = new int[probes.size() + 1];
        long t0 = ProbeStreamGenerator.T0.toEpochMilli();
        for (int i = 0; i < probes.size(); i++) {
            ProbeResult probe = probes.get(i);
            offsets[i] = probe.probedAt().toEpochMilli() - t0;
            if (i > 0 && offsets[i] < offsets[i - 1]) {
                throw new IllegalArgumentException("probes out of time order at " + i);
            }
            errors[i + 1] = errors[i] + (probe.ok() ? 0 : 1);
        }
        return new ReplaySeries(offsets, errors);
    }

    /** The counters once every probe at most {@code elapsedMs} after T0 has been made (none when negative). */
    Counts at(long elapsedMs) {
        int n = countAtMost(elapsedMs);
        return new Counts(n, errorsAmongFirst[n]);
    }

    int size() {
        return offsetsMs.length;
    }

    /** How many offsets are ≤ {@code ms}: an upper-bound binary search (offsets may repeat). */
    private int countAtMost(long ms) {
        int lo = 0;
        int hi = offsetsMs.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (offsetsMs[mid] <= ms) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
