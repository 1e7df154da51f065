package io.kanary.health;

import io.kanary.kafka.KafkaSettings;
import io.kanary.settings.Env;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The health-watcher's settings.
 *
 * @param kafka                  Kafka client properties (at least {@code bootstrap.servers})
 * @param defaultProbeIntervalMs how often an instance is probed when no deployment of its service gave a policy
 * @param probeTimeout           how long a probe waits for an answer before it counts as "no answer"
 * @param groupId                names the watcher's consumer; offsets are never committed, because a
 *                               restart must rebuild the set of live instances from offset 0
 * @param meterRegistry          where the watcher's meters go (by default a registry of its own that nothing reads)
 */
public record HealthWatcherConfig(Map<String, Object> kafka, long defaultProbeIntervalMs, Duration probeTimeout,
                                  String groupId, MeterRegistry meterRegistry) {
    public static final long DEFAULT_PROBE_INTERVAL_MS = 1_000;
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(1);
    public static final String DEFAULT_GROUP_ID = "kanary-health-watcher";

    public HealthWatcherConfig {
        kafka = Map.copyOf(Objects.requireNonNull(kafka, "kafka"));
        probeTimeout = probeTimeout == null ? DEFAULT_PROBE_TIMEOUT : probeTimeout;
        groupId = groupId == null || groupId.isBlank() ? DEFAULT_GROUP_ID : groupId;
        meterRegistry = meterRegistry == null ? new SimpleMeterRegistry() : meterRegistry;
        if (defaultProbeIntervalMs <= 0) {
            throw new IllegalArgumentException("defaultProbeIntervalMs must be > 0, was " + defaultProbeIntervalMs);
        }
        if (probeTimeout.isNegative() || probeTimeout.isZero()) {
            throw new IllegalArgumentException("probeTimeout must be > 0, was " + probeTimeout);
        }
    }

    /** Settings with a meter registry of their own. */
    public HealthWatcherConfig(Map<String, Object> kafka, long defaultProbeIntervalMs, Duration probeTimeout,
                               String groupId) {
        this(kafka, defaultProbeIntervalMs, probeTimeout, groupId, null);
    }

    /** The same settings, with the watcher's meters in {@code registry}. */
    public HealthWatcherConfig withMeterRegistry(MeterRegistry registry) {
        return new HealthWatcherConfig(kafka, defaultProbeIntervalMs, probeTimeout, groupId, registry);
    }

    /** Every default, against the cluster described by {@code kafka}. */
    public static HealthWatcherConfig defaults(Map<String, Object> kafka) {
        return new HealthWatcherConfig(kafka, DEFAULT_PROBE_INTERVAL_MS, DEFAULT_PROBE_TIMEOUT, DEFAULT_GROUP_ID);
    }

    /**
     * Kafka settings from {@code KAFKA_*}, plus {@code HEALTH_PROBE_INTERVAL_MS},
     * {@code HEALTH_PROBE_TIMEOUT_MS} and {@code HEALTH_GROUP_ID}.
     */
    public static HealthWatcherConfig fromEnv(Map<String, String> env) {
        return new HealthWatcherConfig(KafkaSettings.fromEnv(env),
                longOr(env, "HEALTH_PROBE_INTERVAL_MS", DEFAULT_PROBE_INTERVAL_MS),
                Duration.ofMillis(longOr(env, "HEALTH_PROBE_TIMEOUT_MS", DEFAULT_PROBE_TIMEOUT.toMillis())),
                env.get("HEALTH_GROUP_ID"));
    }

    private static long longOr(Map<String, String> env, String name, long fallback) {
        return Env.of(env).millis(name, Duration.ofMillis(fallback)).toMillis();
    }
}
