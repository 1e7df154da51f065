package io.kanary.detector.evidence;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The evidence gathered on the current batch of a service's active deployment, in a state store
 * keyed by service, so a restart keeps both the counts and the batch's deadline.
 *
 * @param batch            the batch judged, 0-based; -1 before the first batch started
 * @param batchStartedAtMs when the batch started (the planner's deployment.batch.started): its evidence wait counts from it
 * @param samples          probes of the new version since the batch started (a host's failures before it first
 *                         answered are its start-up, not counted)
 * @param failures         of those, the failed ones
 * @param batchHostSamples of those, the ones of the batch's own hosts
 * @param slow             good probes slower than the policy's p99 limit
 * @param answered         hosts whose new instance answered healthy at least once since the batch started
 * @param latency          good probes' latencies: {@link LatencyHistogram} bucket → count
 * @param verdict          {@code healthy} or {@code inconclusive} once judged (at most once per batch); null before
 * @param baselineVersion  the version the new one replaces; null on a first deployment
 * @param baselineSamples  probes of the baseline version since the deployment started (all batches)
 * @param baselineFailures of those, the failed ones
 * @param batchEventId     the eventId of the batch's deployment.batch.started: the cause of an inconclusive judgement
 * @param traffic          requests of the new version since the batch started, from traffic samples (an instance's
 *                         requests before it first answered are its start-up, not counted)
 * @param baselineTraffic  requests of the baseline version since the deployment started
 */
public record BatchEvidence(String deploymentId, String service, String version, Policy policy, int batch,
                            int batchCount, List<String> hosts, long batchStartedAtMs, long samples, long failures,
                            long batchHostSamples, long slow, List<String> answered, Map<Integer, Long> latency,
                            String verdict, String baselineVersion, long baselineSamples, long baselineFailures,
                            String batchEventId, RequestCounts traffic, RequestCounts baselineTraffic) {
    public static final String HEALTHY = "healthy";
    public static final String INCONCLUSIVE = "inconclusive";

    public BatchEvidence {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        answered = answered == null ? List.of() : List.copyOf(answered);
        latency = latency == null ? Map.of() : Map.copyOf(latency);
        policy = policy == null ? Policy.defaults() : policy;
        traffic = traffic == null ? RequestCounts.NONE : traffic;
        baselineTraffic = baselineTraffic == null ? RequestCounts.NONE : baselineTraffic;
        // The same version again (a redeploy): its probes are the new version's evidence, not a baseline.
        baselineVersion = baselineVersion != null && baselineVersion.equals(version) ? null : baselineVersion;
    }

    /** A deployment that started and has no batch under way yet. */
    public static BatchEvidence deployment(String deploymentId, String service, String version,
                                           String baselineVersion, Policy policy, int batchCount) {
        return new BatchEvidence(deploymentId, service, version, policy, -1, batchCount, List.of(), 0, 0, 0, 0, 0,
                List.of(), Map.of(), null, baselineVersion, 0, 0, null, RequestCounts.NONE, RequestCounts.NONE);
    }

    /** Batch {@code batch} of {@code hosts} started at {@code atMs}: its evidence starts from nothing. */
    public BatchEvidence batchStarted(int batch, List<String> hosts, long atMs, String eventId) {
        return new BatchEvidence(deploymentId, service, version, policy, batch, batchCount, hosts, atMs, 0, 0, 0, 0,
                List.of(), Map.of(), null, baselineVersion, baselineSamples, baselineFailures, eventId, RequestCounts.NONE,
                baselineTraffic);
    }

    /** Whether a batch is under way and not judged yet. */
    @JsonIgnore
    public boolean awaitsJudgement() {
        return batch >= 0 && verdict == null;
    }

    /** The batch's evidence wait ends at this time. */
    @JsonIgnore
    public long deadlineMs() {
        return batchStartedAtMs + policy.evidenceWaitMs();
    }

    /** This evidence with one more probe of the new version counted. */
    public BatchEvidence with(ProbeResult probe) {
        List<String> nowAnswered = answered;
        if (probe.ok() && !answered.contains(probe.hostId())) {
            nowAnswered = new ArrayList<>(answered);
            nowAnswered.add(probe.hostId());
        } else if (!probe.ok() && !answered.contains(probe.hostId())) {
            return this; // the instance has not answered yet: its start-up, not its version's error
        }
        boolean ofBatch = hosts.contains(probe.hostId());
        Map<Integer, Long> nowLatency = latency;
        long nowSlow = slow;
        if (probe.ok()) {
            nowLatency = new TreeMap<>(latency);
            nowLatency.merge(LatencyHistogram.bucketOf(probe.latencyMs()), 1L, Long::sum);
            nowSlow += probe.latencyMs() > policy.maxP99LatencyMs() ? 1 : 0;
        }
        return new BatchEvidence(deploymentId, service, version, policy, batch, batchCount, hosts, batchStartedAtMs,
                samples + 1, failures + (probe.ok() ? 0 : 1), batchHostSamples + (ofBatch ? 1 : 0), nowSlow,
                nowAnswered, nowLatency, verdict, baselineVersion, baselineSamples, baselineFailures, batchEventId, traffic,
                baselineTraffic);
    }

    /** This evidence with one more probe of the baseline version counted: the reference "healthy" is held to. */
    public BatchEvidence withBaseline(ProbeResult probe) {
        return new BatchEvidence(deploymentId, service, version, policy, batch, batchCount, hosts, batchStartedAtMs,
                samples, failures, batchHostSamples, slow, answered, latency, verdict, baselineVersion,
                baselineSamples + 1, baselineFailures + (probe.ok() ? 0 : 1), batchEventId, traffic, baselineTraffic);
    }

    /**
     * This evidence with one traffic sample of the new version counted. Like a probe, an instance's
     * traffic counts from when it has answered: a sample that served any request well marks its host as
     * answered; one whose every request failed before that is its start-up.
     */
    public BatchEvidence with(TrafficSample sample) {
        if (sample.requests() == 0) {
            return this;
        }
        String host = sample.hostId();
        List<String> nowAnswered = answered;
        if (host != null && !answered.contains(host)) {
            if (sample.errors() == sample.requests()) {
                return this;
            }
            nowAnswered = new ArrayList<>(answered);
            nowAnswered.add(host);
        }
        // A producer that names no host (e.g. a service-wide access log) cannot say which host served what: its
        // requests of the new version count as the batch's, or traffic-only producers could never prove a batch.
        boolean ofBatch = host == null || hosts.contains(host);
        return new BatchEvidence(deploymentId, service, version, policy, batch, batchCount, hosts, batchStartedAtMs,
                samples, failures, batchHostSamples, slow, nowAnswered, latency, verdict, baselineVersion,
                baselineSamples, baselineFailures, batchEventId,
                traffic.plus(sample, ofBatch, policy.maxP99LatencyMs()), baselineTraffic);
    }

    /** This evidence with one traffic sample of the baseline version counted. */
    public BatchEvidence withBaseline(TrafficSample sample) {
        return new BatchEvidence(deploymentId, service, version, policy, batch, batchCount, hosts, batchStartedAtMs,
                samples, failures, batchHostSamples, slow, answered, latency, verdict, baselineVersion,
                baselineSamples, baselineFailures, batchEventId, traffic,
                baselineTraffic.plus(sample, false, policy.maxP99LatencyMs()));
    }

    /** This evidence, judged. */
    public BatchEvidence judged(String how) {
        return new BatchEvidence(deploymentId, service, version, policy, batch, batchCount, hosts, batchStartedAtMs,
                samples, failures, batchHostSamples, slow, answered, latency, how, baselineVersion, baselineSamples,
                baselineFailures, batchEventId, traffic, baselineTraffic);
    }

    /** Good probes: the ones with a latency. */
    @JsonIgnore
    public long good() {
        return samples - failures;
    }

    /** The share of failures among probes and requests together. */
    @JsonIgnore
    public double errorRate() {
        long all = samples + traffic.requests();
        return all == 0 ? 0 : (double) (failures + traffic.errors()) / all;
    }

    /** The good probes' p99 latency in ms (the upper end of its histogram bucket); null without any. */
    @JsonIgnore
    public Double p99LatencyMs() {
        return LatencyHistogram.quantile(latency, 0.99);
    }
}
