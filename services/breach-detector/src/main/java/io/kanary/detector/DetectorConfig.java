package io.kanary.detector;

import io.kanary.kafka.KafkaSettings;
import io.kanary.settings.Env;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The breach-detector's settings, built once.
 *
 * @param kafka                  Kafka client properties (bootstrap, security, any Streams setting)
 * @param applicationId          the Streams application id: consumer group, transactional id and internal topic prefix
 * @param stateDir               where the RocksDB state stores live; a restart reuses what is there
 * @param commitInterval         how often a transaction commits; a verdict is readable (read_committed) only after it
 * @param bucketSize             the resolution of the sliding windows: probes are counted per bucket of this length
 * @param retention              how much probe time is kept per service and version; longer policy windows are cut to it
 * @param sketchRelativeAccuracy relative accuracy of the latency quantiles (DDSketch)
 * @param startTimeout           how long {@link BreachDetector#start} waits for the job to be RUNNING
 * @param closeTimeout           how long {@link BreachDetector#close} waits for the job to stop
 * @param meterRegistry          where the detector's meters and the Streams job's metrics are registered
 */
public record DetectorConfig(Map<String, Object> kafka, String applicationId, Path stateDir, Duration commitInterval,
                             Duration bucketSize, Duration retention, double sketchRelativeAccuracy,
                             Duration startTimeout, Duration closeTimeout, MeterRegistry meterRegistry) {
    public static final String DEFAULT_APPLICATION_ID = "kanary-breach-detector";
    /** A stable path, not a fresh temp dir, so that a restart finds its state instead of restoring it. */
    public static final Path DEFAULT_STATE_DIR = Path.of(System.getProperty("java.io.tmpdir"), DEFAULT_APPLICATION_ID);
    /** Exactly-once's own default; every verdict waits for a commit, so it bounds the detection latency. */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_BUCKET_SIZE = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETENTION = Duration.ofMinutes(10);
    public static final double DEFAULT_SKETCH_RELATIVE_ACCURACY = 0.01;
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    public DetectorConfig {
        kafka = Map.copyOf(Objects.requireNonNull(kafka, "kafka"));
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        requirePositive(commitInterval, "commitInterval");
        requirePositive(bucketSize, "bucketSize");
        requirePositive(retention, "retention");
        requirePositive(startTimeout, "startTimeout");
        requirePositive(closeTimeout, "closeTimeout");
        if (retention.compareTo(bucketSize) < 0) {
            throw new IllegalArgumentException("retention " + retention + " is shorter than one bucket " + bucketSize);
        }
        if (!(sketchRelativeAccuracy > 0 && sketchRelativeAccuracy < 1)) {
            throw new IllegalArgumentException("sketchRelativeAccuracy must be in (0, 1), was " + sketchRelativeAccuracy);
        }
    }

    /** Settings whose meters go to a registry of their own, which nothing exposes. */
    public DetectorConfig(Map<String, Object> kafka, String applicationId, Path stateDir, Duration commitInterval,
                          Duration bucketSize, Duration retention, double sketchRelativeAccuracy,
                          Duration startTimeout, Duration closeTimeout) {
        this(kafka, applicationId, stateDir, commitInterval, bucketSize, retention, sketchRelativeAccuracy,
                startTimeout, closeTimeout, new SimpleMeterRegistry());
    }

    /** The defaults, against the Kafka cluster that {@code kafka} points at. */
    public static DetectorConfig defaults(Map<String, Object> kafka) {
        return new DetectorConfig(kafka, DEFAULT_APPLICATION_ID, DEFAULT_STATE_DIR, DEFAULT_COMMIT_INTERVAL,
                DEFAULT_BUCKET_SIZE, DEFAULT_RETENTION, DEFAULT_SKETCH_RELATIVE_ACCURACY, DEFAULT_START_TIMEOUT,
                DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * {@code KAFKA_*} variables (see {@link KafkaSettings}) plus {@code BREACH_DETECTOR_APPLICATION_ID},
     * {@code BREACH_DETECTOR_STATE_DIR}, {@code BREACH_DETECTOR_COMMIT_INTERVAL_MS},
     * {@code BREACH_DETECTOR_BUCKET_MS} and {@code BREACH_DETECTOR_RETENTION_MS}.
     */
    public static DetectorConfig fromEnv(Map<String, String> env) {
        DetectorConfig defaults = defaults(KafkaSettings.fromEnv(env));
        return new DetectorConfig(defaults.kafka(),
                env.getOrDefault("BREACH_DETECTOR_APPLICATION_ID", defaults.applicationId()),
                env.containsKey("BREACH_DETECTOR_STATE_DIR") ? Path.of(env.get("BREACH_DETECTOR_STATE_DIR")) : defaults.stateDir(),
                millis(env, "BREACH_DETECTOR_COMMIT_INTERVAL_MS", defaults.commitInterval()),
                millis(env, "BREACH_DETECTOR_BUCKET_MS", defaults.bucketSize()),
                millis(env, "BREACH_DETECTOR_RETENTION_MS", defaults.retention()),
                defaults.sketchRelativeAccuracy(), defaults.startTimeout(), defaults.closeTimeout());
    }

    public DetectorConfig withApplicationId(String id) {
        return new DetectorConfig(kafka, id, stateDir, commitInterval, bucketSize, retention, sketchRelativeAccuracy,
                startTimeout, closeTimeout, meterRegistry);
    }

    public DetectorConfig withStateDir(Path dir) {
        return new DetectorConfig(kafka, applicationId, dir, commitInterval, bucketSize, retention,
                sketchRelativeAccuracy, startTimeout, closeTimeout, meterRegistry);
    }

    /** The same settings, with the detector's meters registered in {@code registry} (the process's, to expose them). */
    public DetectorConfig withMeterRegistry(MeterRegistry registry) {
        return new DetectorConfig(kafka, applicationId, stateDir, commitInterval, bucketSize, retention,
                sketchRelativeAccuracy, startTimeout, closeTimeout, registry);
    }

    /** The Kafka Streams properties: the client settings, then exactly-once tuned for latency on top. */
    public Properties streamsProperties() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        // Consumers of an exactly-once job read committed records only; Streams sets that for us.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        // No record cache: a breach must leave at once, not when the cache is flushed.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        // Verdicts are rare; waiting to batch them only delays the rollback.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        // Kafka 5's default, opted into now (the job has no global store; this only quiets a startup warning).
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        Properties properties = new Properties();
        properties.putAll(props);
        return properties;
    }

    private static Duration millis(Map<String, String> env, String name, Duration fallback) {
        return Env.of(env).millis(name, fallback);
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
    }
}
