package io.kanary.health.traffic;

import io.kanary.schema.TrafficSample;
import java.util.List;

/**
 * What an instance served between two reads of its metrics.
 *
 * @param latency cumulative buckets, {@code leMs} ascending, the +Inf bucket left out
 */
public record IntervalCounts(long requests, long errors, List<TrafficSample.LatencyBucket> latency) {
    public IntervalCounts {
        latency = List.copyOf(latency);
    }
}
