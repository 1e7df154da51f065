package io.kanary.detector.window;

import io.kanary.detector.DetectorConfig;
import io.kanary.detector.state.ActiveDeployment;
import io.kanary.detector.state.DetectorStores;
import io.kanary.kafka.CloudEvents;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every probe into its service version's bucket of probe time (event time is
 * {@link ProbeResult#probedAt()}, not the record's timestamp), noting runs of consecutive failures
 * per host. A probe of the active deployment's new version also looks back over the policy's window
 * and passes on what it sees, keyed by service. A new instance's failures while it starts up, within
 * the policy's start-up grace, are neither counted nor judged ({@link StartupGrace}).
 *
 * <p>Traffic samples (traffic.samples, on the same partitions by service) count into the same buckets,
 * each request an outcome as a probe is; a sample of the new version is judged as a probe is.
 */
public final class ProbeWindows extends ContextualProcessor<byte[], KanaryEvent, String, Observation> {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeWindows.class);
    /** How often (stream time) instances no longer probed are forgotten. */
    static final Duration FORGET_INTERVAL = Duration.ofMinutes(1);

    private final long bucketMs;
    private final long retentionMs;
    private final double sketchAccuracy;
    private BucketCache buckets;
    private KeyValueStore<String, FailureRun> failureRuns;
    private KeyValueStore<String, ActiveDeployment> deployments;
    private StartupGrace startupGrace;
    private TrafficWatermarks watermarks;

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
        watermarks = new TrafficWatermarks(context.getStateStore(DetectorStores.TRAFFIC_WATERMARKS), retentionMs);
        context.schedule(FORGET_INTERVAL, PunctuationType.STREAM_TIME, watermarks::forgetStale);
        // Stream time, not wall-clock time: a replay forgets the same instances at the same probes.
        context.schedule(FORGET_INTERVAL, PunctuationType.STREAM_TIME, startupGrace::forgetStale);
    }

    @Override
    public void process(Record<byte[], KanaryEvent> record) {
        if (record.value() instanceof TrafficSample sample) {
            traffic(record, sample);
        } else {
            probe(record.withValue((ProbeResult) record.value()));
        }
    }

    private void probe(Record<byte[], ProbeResult> record) {
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
        look(record, deployment, probe, null, bucketStart);
    }

    /**
     * A traffic sample counts into the bucket that holds the middle of its interval (for a sample of one
     * bucket's length, the bucket most of its requests fell in), once ({@link TrafficWatermarks}), and
     * not while its instance starts ({@link StartupGrace#excusesTraffic}). One of the new version is
     * judged as a probe is, by a probe standing for it at its interval's end ({@link Observation#standIn}).
     */
    private void traffic(Record<byte[], KanaryEvent> record, TrafficSample sample) {
        if (!watermarks.admit(sample)) {
            LOG.debug("Traffic sample {} of {} {} is counted already", sample.eventId(), sample.service(), sample.version());
            return;
        }
        ActiveDeployment deployment = deployments.get(sample.service());
        long graceMs = deployment == null ? Policy.DEFAULT_STARTUP_GRACE_MS : deployment.policy().startupGraceMs();
        long fromMs = sample.intervalStart().toEpochMilli();
        long toMs = sample.intervalEnd().toEpochMilli();
        String instance = TrafficWatermarks.instance(sample);
        if (instance != null
                && startupGrace.excusesTraffic(sample.service(), sample.version(), instance, fromMs, toMs, graceMs)) {
            return; // the instance has not answered healthy yet: its traffic is its start-up, not its version's
        }
        String key = key(sample.service(), sample.version());
        long bucketStart = bucketStart(Observation.countedAtMs(sample));
        Bucket bucket = buckets.get(key, bucketStart);
        if (bucket == null) {
            bucket = Bucket.empty(sketchAccuracy);
        }
        double maxErrorRate = deployment == null ? Policy.DEFAULT_MAX_ERROR_RATE : deployment.policy().maxErrorRate();
        bucket.add(sample, trafficRun(key, instance, sample, maxErrorRate),
                instance != null && PartialFailure.of(sample, maxErrorRate) ? instance : null);
        buckets.put(key, bucketStart, bucket);

        if (deployment == null || !deployment.version().equals(sample.version())) {
            return; // no verdict: nothing is being deployed, or this sample feeds the baseline
        }
        look(record, deployment, Observation.standIn(sample), sample, bucketStart);
    }

    /** Looks back from {@code bucketStart}, the bucket just counted into, and passes on what it sees. */
    private void look(Record<byte[], ?> record, ActiveDeployment deployment, ProbeResult probe, TrafficSample sample,
                      long bucketStart) {
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
                        baselineHistory, from, bucketMs, firstBucket, sample)));
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

    /**
     * The instance's run of failing traffic samples with this sample in it, or null. A sample whose
     * error share is over the policy's {@code maxErrorRate} is a failing sample, for the outage
     * tolerance as a failed probe is: consecutive ones are one run, its errors the run's failures,
     * timed by the samples' ends, so a one-second outage, in one sample or split between two however
     * unevenly, spans at most 1 s and counts as one failure. A run that lasts (three or more failing
     * samples of 1 s) counts in full, as a version failing a share of its requests must. Samples at or
     * under the limit end the run, and their errors count as they come. A sample without requests
     * changes nothing; samples naming no instance have no runs.
     */
    private FailureRun trafficRun(String versionKey, String instance, TrafficSample sample, double maxErrorRate) {
        if (instance == null || sample.requests() == 0) {
            return null;
        }
        // Beside its host's probe runs, apart from them: the traffic's errors are not its probes' failures.
        String runKey = versionKey + '\u0000' + instance + "\u0000traffic";
        FailureRun previous = failureRuns.get(runKey);
        if (sample.errors() <= maxErrorRate * sample.requests()) {
            if (previous != null) {
                failureRuns.delete(runKey);
            }
            return null;
        }
        FailureRun run = FailureRun.extendBy(previous, sample.errors(), sample.intervalEnd().toEpochMilli());
        failureRuns.put(runKey, run);
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
