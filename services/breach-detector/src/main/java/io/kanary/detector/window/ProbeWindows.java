package io.kanary.detector.window;

import io.kanary.detector.DetectorConfig;
import io.kanary.detector.state.ActiveDeployment;
import io.kanary.detector.state.DetectorStores;
import io.kanary.kafka.CloudEvents;
import io.kanary.schema.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Counts every probe into its service version's bucket of probe time (event time is
 * {@link ProbeResult#probedAt()}, not the record's timestamp). A probe of the active deployment's
 * new version also looks back over the policy's window and passes on what it sees, keyed by service.
 */
public final class ProbeWindows extends ContextualProcessor<byte[], ProbeResult, String, Observation> {
    private final long bucketMs;
    private final long retentionMs;
    private final double sketchAccuracy;
    private WindowStore<String, Bucket> buckets;
    private KeyValueStore<String, ActiveDeployment> deployments;

    public ProbeWindows(DetectorConfig config) {
        this.bucketMs = config.bucketSize().toMillis();
        this.retentionMs = config.retention().toMillis();
        this.sketchAccuracy = config.sketchRelativeAccuracy();
    }

    @Override
    public void init(ProcessorContext<String, Observation> context) {
        super.init(context);
        buckets = context.getStateStore(DetectorStores.PROBE_BUCKETS);
        deployments = context.getStateStore(DetectorStores.ACTIVE_DEPLOYMENTS);
    }

    @Override
    public void process(Record<byte[], ProbeResult> record) {
        ProbeResult probe = record.value();
        long bucketStart = bucketStart(probe.probedAt().toEpochMilli());
        count(probe, bucketStart);

        ActiveDeployment deployment = deployments.get(probe.service());
        if (deployment == null || !deployment.version().equals(probe.version())) {
            return; // no verdict: nothing is being deployed, or this probe feeds the baseline
        }
        // The window ends with the probe's bucket and reaches back the policy's length, but never to
        // before the deployment began: an earlier rollout of the same version must not count against it.
        long windowMs = Math.min(deployment.policy().windowMs(), retentionMs);
        long firstBucket = bucketStart(deployment.startedAt().toEpochMilli());
        long from = Math.max(bucketStart - (Math.max(1, windowMs / bucketMs) - 1) * bucketMs, firstBucket);
        WindowStats candidate = window(key(probe.service(), probe.version()), from, bucketStart);
        WindowStats baseline = deployment.baselineVersion() == null
                ? WindowStats.empty()
                : window(key(probe.service(), deployment.baselineVersion()), from, bucketStart);
        String causationId = CloudEvents.header(record.headers(), CloudEvents.ID).orElse(probe.eventId());
        context().forward(record.withKey(probe.service())
                .withValue(new Observation(deployment, probe, causationId, candidate, baseline, from,
                        bucketMs, firstBucket)));
    }

    private void count(ProbeResult probe, long bucketStart) {
        String key = key(probe.service(), probe.version());
        Bucket bucket = buckets.fetch(key, bucketStart);
        if (bucket == null) {
            bucket = Bucket.empty(sketchAccuracy);
        }
        bucket.add(probe);
        buckets.put(key, bucket, bucketStart);
    }

    private WindowStats window(String key, long from, long to) {
        List<Long> starts = new ArrayList<>();
        List<Bucket> found = new ArrayList<>();
        if (from <= to) {
            try (WindowStoreIterator<Bucket> iterator = buckets.fetch(key, from, to)) {
                iterator.forEachRemaining(entry -> {
                    starts.add(entry.key);
                    found.add(entry.value);
                });
            }
        }
        return WindowStats.of(starts, found);
    }

    private long bucketStart(long atMs) {
        return atMs - Math.floorMod(atMs, bucketMs);
    }

    // Joined by NUL, which no service or version name contains, so no two pairs share a key.
    private static String key(String service, String version) {
        return service + '\u0000' + version;
    }
}
