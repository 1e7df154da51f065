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
 * @param probeLoops             how many event loops share the probing, each owning a share of the instances
 *                               (by host and service) with its own timers and HTTP client; by default one per
 *                               available processor
 * @param maxInFlightPerLoop     past this many probes waiting for their answer on one loop, that loop is
 *                               overloaded: further probes are skipped ("watcher overloaded"), not queued
 * @param maxProbeLateness       a probe whose timer fires later than this after it fell due is skipped
 *                               ("watcher overloaded"), and so is a probe whose loop fell this far behind while
 *                               it waited for its answer: its outcome would measure the watcher, not the instance
 */
public record HealthWatcherConfig(Map<String, Object> kafka, long defaultProbeIntervalMs, Duration probeTimeout,
                                  String groupId, MeterRegistry meterRegistry, int probeLoops, int maxInFlightPerLoop,
                                  Duration maxProbeLateness) {
    public static final long DEFAULT_PROBE_INTERVAL_MS = 1_000;
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(1);
    public static final String DEFAULT_GROUP_ID = "kanary-health-watcher";
    /**
     * Far above what a healthy fleet keeps in flight (20,000 probes/s answered in 1 ms is 20 at a time),
     * and below what a loop can hold without its own timers falling behind.
     */
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_LOOP = 5_000;
    /**
     * Half the default probe timeout: a loop this far behind is not catching up on its own, and an
     * answer read this late would add as much to a latency judged against limits of about a second.
     * Tighter bounds shed on an ordinary GC pause or a busy shared machine.
     */
    public static final Duration DEFAULT_MAX_PROBE_LATENESS = Duration.ofMillis(500);

    public HealthWatcherConfig {
        kafka = Map.copyOf(Objects.requireNonNull(kafka, "kafka"));
        probeTimeout = probeTimeout == null ? DEFAULT_PROBE_TIMEOUT : probeTimeout;
        groupId = groupId == null || groupId.isBlank() ? DEFAULT_GROUP_ID : groupId;
        meterRegistry = meterRegistry == null ? new SimpleMeterRegistry() : meterRegistry;
        probeLoops = probeLoops == 0 ? Runtime.getRuntime().availableProcessors() : probeLoops;
        maxInFlightPerLoop = maxInFlightPerLoop == 0 ? DEFAULT_MAX_IN_FLIGHT_PER_LOOP : maxInFlightPerLoop;
        maxProbeLateness = maxProbeLateness == null ? DEFAULT_MAX_PROBE_LATENESS : maxProbeLateness;
        if (probeLoops < 0 || maxInFlightPerLoop < 0) {
            throw new IllegalArgumentException("probeLoops (HEALTH_PROBE_LOOPS) and maxInFlightPerLoop "
                    + "(HEALTH_MAX_IN_FLIGHT_PER_LOOP) must be above 0, or 0 for the default; were " + probeLoops
                    + " and " + maxInFlightPerLoop);
        }
        if (maxProbeLateness.isNegative() || maxProbeLateness.isZero()) {
            throw new IllegalArgumentException("maxProbeLateness must be > 0, was " + maxProbeLateness);
        }
        if (defaultProbeIntervalMs <= 0) {
            throw new IllegalArgumentException("defaultProbeIntervalMs must be > 0, was " + defaultProbeIntervalMs);
        }
        if (probeTimeout.isNegative() || probeTimeout.isZero()) {
            throw new IllegalArgumentException("probeTimeout must be > 0, was " + probeTimeout);
        }
    }

    /** Settings with the default probe loops and shedding bounds. */
    public HealthWatcherConfig(Map<String, Object> kafka, long defaultProbeIntervalMs, Duration probeTimeout,
                               String groupId, MeterRegistry meterRegistry) {
        this(kafka, defaultProbeIntervalMs, probeTimeout, groupId, meterRegistry, 0, 0, null);
    }

    /** Settings with a meter registry of their own. */
    public HealthWatcherConfig(Map<String, Object> kafka, long defaultProbeIntervalMs, Duration probeTimeout,
                               String groupId) {
        this(kafka, defaultProbeIntervalMs, probeTimeout, groupId, null);
    }

    /** The same settings, with the watcher's meters in {@code registry}. */
    public HealthWatcherConfig withMeterRegistry(MeterRegistry registry) {
        return new HealthWatcherConfig(kafka, defaultProbeIntervalMs, probeTimeout, groupId, registry, probeLoops,
                maxInFlightPerLoop, maxProbeLateness);
    }

    /** The same settings, probing on {@code loops} event loops. */
    public HealthWatcherConfig withProbeLoops(int loops) {
        return new HealthWatcherConfig(kafka, defaultProbeIntervalMs, probeTimeout, groupId, meterRegistry, loops,
                maxInFlightPerLoop, maxProbeLateness);
    }

    /** The same settings, shedding past {@code maxInFlight} probes in flight per loop or {@code maxLateness} late. */
    public HealthWatcherConfig withShedding(int maxInFlight, Duration maxLateness) {
        return new HealthWatcherConfig(kafka, defaultProbeIntervalMs, probeTimeout, groupId, meterRegistry, probeLoops,
                maxInFlight, maxLateness);
    }

    /** Every default, against the cluster described by {@code kafka}. */
    public static HealthWatcherConfig defaults(Map<String, Object> kafka) {
        return new HealthWatcherConfig(kafka, DEFAULT_PROBE_INTERVAL_MS, DEFAULT_PROBE_TIMEOUT, DEFAULT_GROUP_ID);
    }

    /**
     * Kafka settings from {@code KAFKA_*}, plus {@code HEALTH_PROBE_INTERVAL_MS},
     * {@code HEALTH_PROBE_TIMEOUT_MS}, {@code HEALTH_GROUP_ID}, {@code HEALTH_PROBE_LOOPS},
     * {@code HEALTH_MAX_IN_FLIGHT_PER_LOOP} and {@code HEALTH_MAX_PROBE_LATENESS_MS}.
     */
    public static HealthWatcherConfig fromEnv(Map<String, String> env) {
        return new HealthWatcherConfig(KafkaSettings.fromEnv(env),
                longOr(env, "HEALTH_PROBE_INTERVAL_MS", DEFAULT_PROBE_INTERVAL_MS),
                Duration.ofMillis(longOr(env, "HEALTH_PROBE_TIMEOUT_MS", DEFAULT_PROBE_TIMEOUT.toMillis())),
                env.get("HEALTH_GROUP_ID"), null,
                Env.of(env).wholeNumber("HEALTH_PROBE_LOOPS", 0), Env.of(env).wholeNumber("HEALTH_MAX_IN_FLIGHT_PER_LOOP", 0),
                Duration.ofMillis(longOr(env, "HEALTH_MAX_PROBE_LATENESS_MS", DEFAULT_MAX_PROBE_LATENESS.toMillis())));
    }

    private static long longOr(Map<String, String> env, String name, long fallback) {
        return Env.of(env).millis(name, Duration.ofMillis(fallback)).toMillis();
    }
}
