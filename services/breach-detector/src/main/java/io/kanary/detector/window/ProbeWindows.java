package io.kanary.detector.window;

import io.kanary.detector.DetectorConfig;
import io.kanary.detector.state.ActiveDeployment;
import io.kanary.detector.state.DetectorStores;
import io.kanary.kafka.CloudEvents;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Counts every probe into its service version's bucket of probe time (event time is
 * {@link ProbeResult#probedAt()}, not the record's timestamp), noting runs of consecutive failures
 * per host. A probe of the active deployment's new version also looks back over the policy's window
 * and passes on what it sees, keyed by service. A new instance's failures while it starts up, within
 * the policy's start-up grace, are neither counted nor judged ({@link StartupGrace}).
 */
public final class ProbeWindows extends ContextualProcessor<byte[], ProbeResult, String, Observation> {
    /** How often (stream time) instances no longer probed are forgotten. */
    static final Duration FORGET_INTERVAL = Duration.ofMinutes(1);

    private final long bucketMs;
    private final long retentionMs;
    private final double sketchAccuracy;
    private BucketCache buckets;
    private KeyValueStore<String, FailureRun> failureRuns;
    private KeyValueStore<String, ActiveDeployment> deployments;
    private StartupGrace startupGrace;

    public ProbeWindows(DetectorConfig config) {
        this.bucketMs = config.bucketSize().toMillis();
        this.retentionMs = config.retention().toMillis();
        this.sketchAccuracy = config.sketchRelativeAccuracy();
    }

    @Override
    public void init(ProcessorContext<String, Observation> context) {
        super.init(context);
        WindowStore<String, Bucket> store = context.getStateStore(DetectorStores.PROBE_BUCKETS);
        buckets = new BucketCache(store, retentionMs);
        failureRuns = context.getStateStore(DetectorStores.FAILURE_RUNS);
        deployments = context.getStateStore(DetectorStores.ACTIVE_DEPLOYMENTS);
        startupGrace = new StartupGrace(context.getStateStore(DetectorStores.INSTANCE_STARTS), retentionMs);
        // Stream time, not wall-clock time: a replay forgets the same instances at the same probes.
        context.schedule(FORGET_INTERVAL, PunctuationType.STREAM_TIME, startupGrace::forgetStale);
    }

    @Override
    public void process(Record<byte[], ProbeResult> record) {
        ProbeResult probe = record.value();
        ActiveDeployment deployment = deployments.get(probe.service());
        Policy policy = deployment == null ? Policy.defaults() : deployment.policy();
        if (startupGrace.excuses(probe, policy, () -> settledLatencyMs(deployment, policy, probe))) {
            return; // the instance is still starting: not its version's behaviour
        }
        long bucketStart = bucketStart(probe.probedAt().toEpochMilli());
        count(probe, bucketStart);

        if (deployment == null || !deployment.version().equals(probe.version())) {
            return; // no verdict: nothing is being deployed, or this probe feeds the baseline
        }
        // The look-back ends with the probe's bucket and reaches back the policy's window. The new
        // version's never reaches before the deployment began (an earlier rollout of the same version
        // must not count against it); the baseline's does: its usual error rate is the reference.
        long windowBuckets = Math.max(1, Math.min(deployment.policy().windowMs(), retentionMs) / bucketMs);
        long earliest = bucketStart - (windowBuckets - 1) * bucketMs;
        long firstBucket = bucketStart(deployment.startedAt().toEpochMilli());
        long from = Math.max(earliest, firstBucket);
        WindowStats candidate = buckets.range(key(probe.service(), probe.version()), from, bucketStart);
        WindowStats baselineHistory = deployment.baselineVersion() == null
                ? WindowStats.empty()
                : buckets.range(key(probe.service(), deployment.baselineVersion()), earliest, bucketStart);
        String causationId = CloudEvents.header(record.headers(), CloudEvents.ID).orElse(probe.eventId());
        context().forward(record.withKey(probe.service())
                .withValue(new Observation(deployment, probe, causationId, candidate, baselineHistory.since(from),
                        baselineHistory, from, bucketMs, firstBucket)));
    }

    /**
     * How slow a good answer of a starting instance may be: what the p99 tests would call slow, twice (the
     * policy's {@code maxP99Ratio}) the baseline's p99 over the window once it rests on {@code minSamples}
     * answers, and never more than the policy's p99 limit. Asked only while an instance starts.
     */
    private double settledLatencyMs(ActiveDeployment deployment, Policy policy, ProbeResult probe) {
        double limitMs = policy.maxP99LatencyMs();
        if (deployment == null || deployment.baselineVersion() == null || !deployment.version().equals(probe.version())) {
            return limitMs;
        }
        long bucketStart = bucketStart(probe.probedAt().toEpochMilli());
        long windowBuckets = Math.max(1, Math.min(policy.windowMs(), retentionMs) / bucketMs);
        WindowStats baseline = buckets.range(key(probe.service(), deployment.baselineVersion()),
                bucketStart - (windowBuckets - 1) * bucketMs, bucketStart);
        if (baseline.samples() - baseline.failures() < policy.minSamples()) {
            return limitMs;
        }
        return Math.min(limitMs, policy.maxP99Ratio() * baseline.p99());
    }

    private void count(ProbeResult probe, long bucketStart) {
        String key = key(probe.service(), probe.version());
        Bucket bucket = buckets.get(key, bucketStart);
        if (bucket == null) {
            bucket = Bucket.empty(sketchAccuracy);
        }
        bucket.add(probe, failureRun(key, probe));
        buckets.put(key, bucketStart, bucket);
    }

    /** The probe's host's run of failures with this probe in it (in arrival order); null after a good probe. */
    private FailureRun failureRun(String versionKey, ProbeResult probe) {
        String hostKey = versionKey + '\u0000' + probe.hostId();
        FailureRun previous = failureRuns.get(hostKey);
        if (probe.ok()) {
            if (previous != null) {
                failureRuns.delete(hostKey);
            }
            return null;
        }
        FailureRun run = FailureRun.extend(previous, probe.probedAt().toEpochMilli());
        failureRuns.put(hostKey, run);
        return run;
    }

    private long bucketStart(long atMs) {
        return atMs - Math.floorMod(atMs, bucketMs);
    }

    // Joined by NUL, which no service or version name contains, so no two pairs share a key.
    private static String key(String service, String version) {
        return service + '\u0000' + version;
    }
}
