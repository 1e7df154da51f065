package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one instance served in one interval, from its own request metrics: how many requests, how
 * many of them failed, and how their latencies fell into histogram buckets. On traffic.samples,
 * keyed by service. The health-watcher publishes these from each instance's metrics endpoint; any
 * producer may publish them too (e.g. from access logs).
 *
 * @param source   where the counts come from, e.g. {@code scrape} or {@code access-log}
 * @param requests requests the instance finished in the interval
 * @param errors   of those, the ones that failed (by the deployment's mapping: 5xx by default)
 * @param latency  cumulative latency buckets of those requests, upper bounds ascending (each count is
 *                 of requests at most {@code leMs}); the +Inf bucket is {@code requests} and is left out;
 *                 empty when the instance exposes no latency histogram
 */
@JsonTypeName("traffic.sample")
public record TrafficSample(String eventId, int schemaVersion, String service, String version, String hostId,
                            String instanceId, String source, Instant intervalStart, Instant intervalEnd, long requests,
                            long errors, List<LatencyBucket> latency) implements KanaryEvent {

    /** Requests that took at most {@code leMs} milliseconds, counted cumulatively as Prometheus' {@code le} buckets are. */
    public record LatencyBucket(double leMs, long count) {
        public LatencyBucket {
            if (!(leMs >= 0) || Double.isInfinite(leMs)) {
                throw new IllegalArgumentException("leMs must be a finite number >= 0, was " + leMs);
            }
            if (count < 0) {
                throw new IllegalArgumentException("count must be >= 0, was " + count);
            }
        }
    }

    public TrafficSample {
        Objects.requireNonNull(service, "service is required");
        Objects.requireNonNull(version, "version is required");
        Objects.requireNonNull(intervalStart, "intervalStart is required");
        Objects.requireNonNull(intervalEnd, "intervalEnd is required");
        if (intervalEnd.isBefore(intervalStart)) {
            throw new IllegalArgumentException("intervalEnd " + intervalEnd + " is before intervalStart " + intervalStart);
        }
        if (requests < 0 || errors < 0 || errors > requests) {
            throw new IllegalArgumentException("requests and errors must be >= 0 with errors <= requests, were "
                    + requests + " and " + errors);
        }
        latency = latency == null ? List.of() : List.copyOf(latency);
        for (int i = 0; i < latency.size(); i++) {
            LatencyBucket bucket = latency.get(i);
            if (bucket.count() > requests) {
                throw new IllegalArgumentException("latency bucket le=" + bucket.leMs() + " counts " + bucket.count()
                        + " requests, more than the " + requests + " in the sample");
            }
            if (i > 0 && (bucket.leMs() <= latency.get(i - 1).leMs() || bucket.count() < latency.get(i - 1).count())) {
                throw new IllegalArgumentException("latency buckets must have ascending leMs and non-decreasing counts");
            }
        }
    }

    @Override
    public String subject() {
        return service;
    }
}
