package io.kanary.detector.window;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import io.kanary.schema.ProbeResult;
import java.util.OptionalLong;

/**
 * The probes of one service version in one bucket of probe time: how many, how many failed and
 * when the first did, and their latencies as a mergeable quantile sketch plus the {@link LatencyPeaks}.
 */
public final class Bucket {
    private long probes;
    private long failures;
    private OptionalLong firstFailureAtMs;
    private final DDSketch latencies;
    private final LatencyPeaks peaks;

    Bucket(long probes, long failures, OptionalLong firstFailureAtMs, DDSketch latencies, LatencyPeaks peaks) {
        this.probes = probes;
        this.failures = failures;
        this.firstFailureAtMs = firstFailureAtMs;
        this.latencies = latencies;
        this.peaks = peaks;
    }

    public static Bucket empty(double relativeAccuracy) {
        return new Bucket(0, 0, OptionalLong.empty(), DDSketches.unboundedDense(relativeAccuracy), new LatencyPeaks());
    }

    public void add(ProbeResult probe) {
        long at = probe.probedAt().toEpochMilli();
        probes++;
        if (!probe.ok()) {
            failures++;
            if (firstFailureAtMs.isEmpty() || at < firstFailureAtMs.getAsLong()) {
                firstFailureAtMs = OptionalLong.of(at);
            }
        }
        latencies.accept(probe.latencyMs());
        peaks.add(at, probe.latencyMs());
    }

    public long probes() {
        return probes;
    }

    public long failures() {
        return failures;
    }

    public OptionalLong firstFailureAtMs() {
        return firstFailureAtMs;
    }

    /**
     * Probes certainly slower than {@code thresholdMs}: those in sketch bins wholly above it. A probe
     * within the sketch's relative accuracy of the threshold is not counted, so the count errs low.
     */
    public long countAbove(double thresholdMs) {
        var mapping = latencies.getIndexMapping();
        long[] above = {0};
        latencies.getPositiveValueStore().forEach((index, count) -> {
            if (mapping.lowerBound(index) > thresholdMs) {
                above[0] += Math.round(count);
            }
        });
        return above[0];
    }

    /** The sketch itself, not a copy: merge it into another, do not change it. */
    DDSketch latencies() {
        return latencies;
    }

    LatencyPeaks peaks() {
        return peaks;
    }
}
