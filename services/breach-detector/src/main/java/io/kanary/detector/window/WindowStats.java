package io.kanary.detector.window;

import com.datadoghq.sketch.ddsketch.DDSketch;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The probes of one service version over a window: its buckets, oldest first, read as one, and
 * bucket by bucket (the sequential tests look at every possible start of the evidence).
 */
public final class WindowStats {
    private final List<Bucket> buckets;
    private final List<Long> startsMs;
    private final long samples;
    private final long failures;
    private DDSketch merged; // built on first use: most windows are judged on their error rate alone

    private WindowStats(List<Long> startsMs, List<Bucket> buckets) {
        if (startsMs.size() != buckets.size()) {
            throw new IllegalArgumentException(startsMs.size() + " starts for " + buckets.size() + " buckets");
        }
        this.buckets = List.copyOf(buckets);
        this.startsMs = List.copyOf(startsMs);
        this.samples = buckets.stream().mapToLong(Bucket::probes).sum();
        this.failures = buckets.stream().mapToLong(Bucket::failures).sum();
    }

    /**
     * @param startsMs    when each bucket starts, ascending
     * @param oldestFirst the window's buckets in time order
     */
    public static WindowStats of(List<Long> startsMs, List<Bucket> oldestFirst) {
        return new WindowStats(startsMs, oldestFirst);
    }

    /** Buckets whose start times do not matter (numbered 0, 1, ...). */
    public static WindowStats of(List<Bucket> oldestFirst) {
        return new WindowStats(java.util.stream.LongStream.range(0, oldestFirst.size()).boxed().toList(), oldestFirst);
    }

    public static WindowStats empty() {
        return new WindowStats(List.of(), List.of());
    }

    /** The buckets, oldest first. */
    public List<Bucket> buckets() {
        return buckets;
    }

    /** When each of {@link #buckets()} starts, in ms. */
    public List<Long> startsMs() {
        return startsMs;
    }

    /** The probes of the buckets starting at or after {@code fromMs}. */
    public WindowStats since(long fromMs) {
        int first = 0;
        while (first < startsMs.size() && startsMs.get(first) < fromMs) {
            first++;
        }
        return new WindowStats(startsMs.subList(first, startsMs.size()), buckets.subList(first, buckets.size()));
    }

    public long samples() {
        return samples;
    }

    public long failures() {
        return failures;
    }

    /** Of {@link #samples()}, the requests of traffic samples. */
    public long requests() {
        return buckets.stream().mapToLong(Bucket::requests).sum();
    }

    /** Outcomes answered well whose latency is known: what the latency tests count (see {@link Bucket#answered()}). */
    public long answered() {
        return buckets.stream().mapToLong(Bucket::answered).sum();
    }

    /** Of {@link #answered()}, the requests of traffic samples. */
    public long answeredRequests() {
        return buckets.stream().mapToLong(Bucket::answeredRequests).sum();
    }

    /** Of {@link #answered()}, the good probes (see {@link Bucket#answeredProbes()}). */
    public long answeredProbes() {
        return buckets.stream().mapToLong(Bucket::answeredProbes).sum();
    }

    /** The q-quantile of the good probes' latencies alone, in ms; NaN without one. */
    public double probeQuantile(double q) {
        if (buckets.isEmpty()) {
            return Double.NaN;
        }
        DDSketch probes = buckets.get(0).latencies().copy();
        buckets.subList(1, buckets.size()).forEach(bucket -> probes.mergeWith(bucket.latencies()));
        return probes.isEmpty() ? Double.NaN : probes.getValueAtQuantile(q);
    }

    /**
     * An upper bound of the q-quantile of the good requests' latencies: the upper bound of the histogram
     * bucket that holds it (as far as histograms tell); NaN without a timed request.
     */
    public double requestQuantileUpperBoundMs(double q) {
        return TrafficLatencies.quantileUpperBoundMs(buckets.stream().map(Bucket::trafficLatencies).toList(), q);
    }

    /** Failed probes over all probes; NaN for an empty window. */
    public double errorRate() {
        return samples == 0 ? Double.NaN : (double) failures / samples;
    }

    /**
     * The 99th percentile latency of the good probes and requests in ms (within the sketch's relative accuracy);
     * NaN for a window without one.
     */
    public double p99() {
        return quantile(0.99);
    }

    public double p50() {
        return quantile(0.50);
    }

    public double p95() {
        return quantile(0.95);
    }

    public double quantile(double q) {
        if (samples == 0) {
            return Double.NaN;
        }
        if (merged == null) {
            merged = buckets.get(0).latencies().copy();
            buckets.subList(1, buckets.size()).forEach(bucket -> merged.mergeWith(bucket.latencies()));
            // Traffic's requests at their histogram buckets' upper bounds (TrafficLatencies.Range#representativeMs).
            buckets.forEach(bucket -> bucket.trafficLatencies().addTo(merged));
        }
        return merged.isEmpty() ? Double.NaN : merged.getValueAtQuantile(q); // every probe failed: no latency
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
