package io.kanary.detector.window;

import com.datadoghq.sketch.ddsketch.DDSketch;
import io.kanary.schema.TrafficSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The latencies of the good requests of traffic samples in one bucket, as their histograms tell them:
 * how many fell into each histogram bucket (lower bound, upper bound], and how many good requests came
 * without a histogram at all ({@link #untimed()}).
 *
 * <p>A histogram counts every request, failed or not, and does not say where the failed ones fell.
 * They are taken to be the slowest (a request that timed out is a failure, and is judged as one): each
 * sample's errors are removed from its slowest buckets first. So neither "slower than L" nor a quantile
 * holds a latency that a failure may explain, as for probes, whose failed ones have no latency.
 */
final class TrafficLatencies {
    /**
     * One histogram bucket: requests that took more than {@code lowMs} and at most {@code highMs}
     * (infinite for those over the histogram's last finite bound).
     */
    record Range(double lowMs, double highMs) {
        static final Comparator<Range> ORDER = Comparator.comparingDouble(Range::lowMs).thenComparingDouble(Range::highMs);

        /**
         * The latency a quantile sees for the requests of this range: its upper bound, so that a
         * quantile errs high and a limit derived from a baseline's quantile (× a ratio) errs lenient;
         * for the overflow range its lower bound, as Prometheus' {@code histogram_quantile} does.
         */
        double representativeMs() {
            return Double.isInfinite(highMs) ? lowMs : highMs;
        }
    }

    private final TreeMap<Range, Long> counts = new TreeMap<>(Range.ORDER);
    private long untimed;

    TrafficLatencies() {
    }

    TrafficLatencies(Map<Range, Long> counts, long untimed) {
        this.counts.putAll(counts);
        this.untimed = untimed;
    }

    /**
     * Counts the good requests of {@code sample} by histogram bucket.
     *
     * @return the latency, in whole ms, of a request just over the lower bound of the slowest bucket
     *         that holds a good request: every such request was slower than that bound (for the
     *         {@link LatencyPeaks}); empty when none was counted
     */
    OptionalLong add(TrafficSample sample) {
        long good = sample.requests() - sample.errors();
        if (sample.latency().isEmpty()) {
            untimed += good;
            return OptionalLong.empty();
        }
        List<Range> ranges = new ArrayList<>();
        List<Long> inRange = new ArrayList<>();
        double lowMs = 0;
        long below = 0;
        for (TrafficSample.LatencyBucket bucket : sample.latency()) {
            ranges.add(new Range(lowMs, bucket.leMs()));
            inRange.add(bucket.count() - below);
            lowMs = bucket.leMs();
            below = bucket.count();
        }
        ranges.add(new Range(lowMs, Double.POSITIVE_INFINITY));
        inRange.add(sample.requests() - below);
        // The errors are the slowest requests (see the class comment).
        long errors = sample.errors();
        for (int i = ranges.size() - 1; i >= 0 && errors > 0; i--) {
            long removed = Math.min(errors, inRange.get(i));
            inRange.set(i, inRange.get(i) - removed);
            errors -= removed;
        }
        OptionalLong slowest = OptionalLong.empty();
        for (int i = 0; i < ranges.size(); i++) {
            if (inRange.get(i) > 0) {
                counts.merge(ranges.get(i), inRange.get(i), Long::sum);
                slowest = OptionalLong.of((long) Math.floor(ranges.get(i).lowMs()) + 1);
            }
        }
        return slowest;
    }

    /** Good requests certainly slower than {@code thresholdMs}: those whose bucket's lower bound is at or above it. */
    long countAbove(double thresholdMs) {
        long above = 0;
        for (Map.Entry<Range, Long> entry : counts.entrySet()) {
            if (entry.getKey().lowMs() >= thresholdMs) {
                above += entry.getValue();
            }
        }
        return above;
    }

    /**
     * The upper bound of the histogram bucket that holds the q-quantile of the requests counted in
     * {@code all} together: the q-quantile is at most this (for the overflow bucket, its lower bound, as
     * {@link Range#representativeMs()}); NaN without a counted request.
     */
    static double quantileUpperBoundMs(java.util.Collection<TrafficLatencies> all, double q) {
        TreeMap<Range, Long> merged = new TreeMap<>(Range.ORDER);
        all.forEach(latencies -> latencies.counts.forEach((range, count) -> merged.merge(range, count, Long::sum)));
        long total = merged.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return Double.NaN;
        }
        // Ranges of different histograms may overlap: ordered by lower bound, the running count reaches the
        // rank no later than the sorted latencies would, and the largest upper bound so far bounds them all.
        double rank = Math.ceil(q * total);
        long seen = 0;
        double highest = 0;
        for (Map.Entry<Range, Long> entry : merged.entrySet()) {
            seen += entry.getValue();
            highest = Math.max(highest, entry.getKey().representativeMs());
            if (seen >= rank) {
                return highest;
            }
        }
        return highest;
    }

    /** Enters every counted request into {@code sketch} at its range's {@link Range#representativeMs()}. */
    void addTo(DDSketch sketch) {
        counts.forEach((range, count) -> sketch.accept(range.representativeMs(), count));
    }

    /** Good requests whose latency is unknown: their sample had no histogram. */
    long untimed() {
        return untimed;
    }

    boolean isEmpty() {
        return counts.isEmpty();
    }

    Map<Range, Long> counts() {
        return counts;
    }
}
