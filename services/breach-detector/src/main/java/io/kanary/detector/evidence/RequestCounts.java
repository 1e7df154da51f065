package io.kanary.detector.evidence;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kanary.schema.TrafficSample;

/**
 * Requests counted from traffic samples (an instance's own request metrics), kept apart from the
 * probes because they are a second kind of evidence with its own share of the healthy test's α.
 *
 * @param requests          requests served
 * @param errors            of those, the failed ones
 * @param batchHostRequests of those, the ones served by the batch's own hosts
 * @param timed             requests whose latency is known from a histogram (samples without one are not timed)
 * @param slow              of the timed ones, those not known to be at or under the policy's p99 limit
 */
public record RequestCounts(long requests, long errors, long batchHostRequests, long timed, long slow) {
    public static final RequestCounts NONE = new RequestCounts(0, 0, 0, 0, 0);

    /**
     * These counts plus one sample's. A request counts as slow unless a bucket at or under {@code limitMs}
     * holds it: a limit between two bucket bounds counts the requests between them as slow, so the
     * histogram's coarseness can only make "healthy" harder to prove, never easier.
     */
    public RequestCounts plus(TrafficSample sample, boolean ofBatch, long limitMs) {
        boolean hasHistogram = !sample.latency().isEmpty();
        long fastEnough = 0;
        for (TrafficSample.LatencyBucket bucket : sample.latency()) {
            if (bucket.leMs() <= limitMs) {
                fastEnough = bucket.count();
            }
        }
        return new RequestCounts(requests + sample.requests(), errors + sample.errors(),
                batchHostRequests + (ofBatch ? sample.requests() : 0),
                timed + (hasHistogram ? sample.requests() : 0),
                slow + (hasHistogram ? sample.requests() - fastEnough : 0));
    }

    /** Requests that did not fail. */
    @JsonIgnore
    public long good() {
        return requests - errors;
    }
}
