package io.kanary.health.traffic;

import io.kanary.schema.TrafficSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns one instance's successive metric reads into counts per interval. Counters only grow while
 * an instance lives, so the difference between two reads is what it served in between; a series
 * lower than before means the instance restarted, and, as Prometheus' {@code increase} takes it,
 * its new value is what it counted since. A series absent from the previous read appeared since
 * (Micrometer creates a status's series at its first request): all of its value is new. The first
 * read only sets the baseline: what an instance counted before the watcher saw it is no interval's.
 *
 * <p>Not thread-safe: one instance's reads come one after the other.
 */
public final class TrafficDeltas {
    private TrafficReading previous;

    /** The counts since the previous read, or empty for the first. */
    public Optional<IntervalCounts> next(TrafficReading reading) {
        TrafficReading before = previous;
        previous = reading;
        if (before == null) {
            return Optional.empty();
        }
        long requests = 0;
        long errors = 0;
        for (Map.Entry<Map<String, String>, Double> series : reading.requests().entrySet()) {
            long delta = increase(before.requests().get(series.getKey()), series.getValue());
            requests += delta;
            if (reading.failing().contains(series.getKey())) {
                errors += delta;
            }
        }
        // Summed over every other label (status, uri, method...), bucket by bucket.
        Map<Double, Long> byLe = new TreeMap<>();
        for (Map.Entry<Map<String, String>, TrafficReading.Bucket> series : reading.buckets().entrySet()) {
            TrafficReading.Bucket bucket = series.getValue();
            if (Double.isInfinite(bucket.leSeconds())) {
                continue; // the +Inf bucket is the request count
            }
            TrafficReading.Bucket was = before.buckets().get(series.getKey());
            byLe.merge(bucket.leSeconds(), increase(was == null ? null : was.count(), bucket.count()), Long::sum);
        }
        return Optional.of(new IntervalCounts(requests, Math.min(errors, requests), cumulative(byLe, requests)));
    }

    /** What a counter counted between two reads; {@code before} is null when the series is new. */
    static long increase(Double before, double now) {
        if (before == null || now < before) {
            return Math.round(now);
        }
        return Math.round(now - before);
    }

    /**
     * Buckets in milliseconds, kept cumulative and within the request count: the counter and the
     * histogram are separate series, and a restart seen in one but not the other (or an exposition
     * written while requests finished) must not make a sample that contradicts itself.
     */
    private static List<TrafficSample.LatencyBucket> cumulative(Map<Double, Long> byLe, long requests) {
        List<TrafficSample.LatencyBucket> buckets = new ArrayList<>(byLe.size());
        long atLeast = 0;
        for (Map.Entry<Double, Long> bucket : byLe.entrySet()) {
            long count = Math.min(requests, Math.max(atLeast, bucket.getValue()));
            atLeast = count;
            buckets.add(new TrafficSample.LatencyBucket(millis(bucket.getKey()), count));
        }
        return buckets;
    }

    /** Seconds to milliseconds, rounded to the microsecond: 0.05 s is 50 ms, not 50.00000000000001. */
    static double millis(double seconds) {
        return Math.round(seconds * 1_000_000.0) / 1_000.0;
    }
}
