package io.kanary.detector.state;

import io.kanary.detector.DetectorConfig;
import io.kanary.detector.window.Bucket;
import io.kanary.detector.window.BucketSerde;
import io.kanary.detector.window.FailureRun;
import io.kanary.detector.window.InstanceStart;
import io.kanary.kafka.JsonSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/** The detector's state stores; each is backed by a changelog topic, so a restart rebuilds it. */
public final class DetectorStores {
    /** service → its active deployment. */
    public static final String ACTIVE_DEPLOYMENTS = "active-deployments";
    /** service + version → one {@link Bucket} of probes per bucket of probe time. */
    public static final String PROBE_BUCKETS = "probe-buckets";
    /** service + version + host → the host's current run of failed probes (absent: its last probe was good). */
    public static final String FAILURE_RUNS = "failure-runs";
    /** service + version + instance → when it was first probed and whether it has answered healthy yet. */
    public static final String INSTANCE_STARTS = "instance-starts";
    /** service + version + instance → the end of its last traffic sample counted: each sample counts once. */
    public static final String TRAFFIC_WATERMARKS = "traffic-watermarks";
    /** deployment id → the id of the breach it was rolled back for: never judged twice. */
    public static final String JUDGED_DEPLOYMENTS = "judged-deployments";

    private DetectorStores() {
    }

    public static StoreBuilder<KeyValueStore<String, ActiveDeployment>> activeDeployments() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ACTIVE_DEPLOYMENTS), Serdes.String(),
                JsonSerde.of(ActiveDeployment.class));
    }

    public static StoreBuilder<WindowStore<String, Bucket>> probeBuckets(DetectorConfig config) {
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(PROBE_BUCKETS, config.retention(), config.bucketSize(), false),
                Serdes.String(), new BucketSerde());
    }

    public static StoreBuilder<KeyValueStore<String, FailureRun>> failureRuns() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FAILURE_RUNS), Serdes.String(),
                JsonSerde.of(FailureRun.class));
    }

    public static StoreBuilder<KeyValueStore<String, InstanceStart>> instanceStarts() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INSTANCE_STARTS), Serdes.String(),
                JsonSerde.of(InstanceStart.class));
    }

    public static StoreBuilder<KeyValueStore<String, Long>> trafficWatermarks() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TRAFFIC_WATERMARKS), Serdes.String(),
                Serdes.Long());
    }

    public static StoreBuilder<KeyValueStore<String, String>> judgedDeployments() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(JUDGED_DEPLOYMENTS), Serdes.String(),
                Serdes.String());
    }
}
