package io.kanary.audit;

import java.time.Instant;

/**
 * What one version of a deployment was seen to do, summed from its probes and traffic samples as
 * they were read (none is kept).
 *
 * @param failed         probes that failed
 * @param firstFailureAt the time of its earliest failed probe, or null
 * @param latencyP50Ms   the probes' median latency in whole ms (DDSketch, within 1%), or null without probes
 * @param latencyP99Ms   the probes' 99th percentile latency (DDSketch, within 1%), or null without probes
 * @param samples        traffic samples read
 * @param requests       requests those samples counted
 * @param requestErrors  of those, the ones that failed
 */
public record VersionEvidence(String version, long probes, long failed, Instant firstFailureAt, Long latencyP50Ms,
                              Long latencyP99Ms, long samples, long requests, long requestErrors) {
}
