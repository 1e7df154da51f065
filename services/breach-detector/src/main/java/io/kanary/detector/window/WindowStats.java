package io.kanary.detector.window;

import com.datadoghq.sketch.ddsketch.DDSketch;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The probes of one service version over a window: its buckets, oldest first, read as one. */
public final class WindowStats {
    private final List<Bucket> buckets;
    private final long samples;
    private final long failures;
    private DDSketch merged; // built on first use: most windows are judged on their error rate alone

    private WindowStats(List<Bucket> buckets) {
        this.buckets = List.copyOf(buckets);
        this.samples = buckets.stream().mapToLong(Bucket::probes).sum();
        this.failures = buckets.stream().mapToLong(Bucket::failures).sum();
    }

    /** @param oldestFirst the window's buckets in time order */
    public static WindowStats of(List<Bucket> oldestFirst) {
        return new WindowStats(oldestFirst);
    }

    public static WindowStats empty() {
        return new WindowStats(List.of());
    }

    public long samples() {
        return samples;
    }

    public long failures() {
        return failures;
    }

    /** Failed probes over all probes; NaN for an empty window. */
    public double errorRate() {
        return samples == 0 ? Double.NaN : (double) failures / samples;
    }

    /** The 99th percentile probe latency in ms (within the sketch's relative accuracy); NaN for an empty window. */
    public double p99() {
        return quantile(0.99);
    }

    public double quantile(double q) {
        if (samples == 0) {
            return Double.NaN;
        }
        if (merged == null) {
            merged = buckets.get(0).latencies().copy();
            buckets.subList(1, buckets.size()).forEach(bucket -> merged.mergeWith(bucket.latencies()));
        }
        return merged.getValueAtQuantile(q);
    }

    public Optional<Instant> firstFailureAt() {
        return buckets.stream().map(Bucket::firstFailureAtMs).filter(OptionalLong::isPresent).findFirst()
                .map(at -> Instant.ofEpochMilli(at.getAsLong()));
    }

    /** When the first probe slower than {@code thresholdMs} was made. */
    public Optional<Instant> firstLatencyAbove(long thresholdMs) {
        return buckets.stream().map(bucket -> bucket.peaks().firstAbove(thresholdMs))
                .filter(OptionalLong::isPresent).findFirst()
                .map(at -> Instant.ofEpochMilli(at.getAsLong()));
    }
}
