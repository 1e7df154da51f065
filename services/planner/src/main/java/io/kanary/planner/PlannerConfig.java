package io.kanary.planner;

import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.security.RunAllowList;
import io.kanary.settings.Env;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * The planner's settings.
 *
 * @param kafka           Kafka client properties (from {@code KAFKA_*} variables)
 * @param httpHost        address the HTTP API binds ({@code PLANNER_HTTP_HOST}, default 127.0.0.1)
 * @param httpPort        port of the HTTP API ({@code PLANNER_HTTP_PORT}, default 8080; 0 picks a free one)
 * @param groupId         consumer group of the planner's inputs
 * @param transactionalId the producer's transactional id: one planner per id, a second one fences the first
 * @param tick            how often deadlines are checked when no input arrives
 * @param replayTimeout   how long rebuilding state from deploy.events and host.events may take at start
 * @param auth            how the API authenticates ({@code PLANNER_AUTH}, {@code PLANNER_TOKENS_FILE}); by
 *                        default tokens are required and none is accepted
 * @param allowList       what each service may run ({@code KANARY_ALLOW_*}); by default nothing
 * @param meterRegistry   where the planner's meters go; a Prometheus registry is also served on {@code GET /metrics}
 *                        of the HTTP API (by default a registry of its own that nothing reads)
 * @param requireEvidence whether a batch whose health gates passed also waits for the breach-detector's judgement
 *                        before it completes ({@code KANARY_REQUIRE_EVIDENCE}, default true for the planner's own
 *                        process; false in {@link #defaults}, for a planner embedded without a breach-detector)
 * @param snapshotTopic   where the planner keeps its snapshots of the hosts ({@code PLANNER_SNAPSHOT_TOPIC}, default
 *                        planner.snapshots; created compacted when missing)
 * @param snapshotInterval how often, at most, the planner writes a round of snapshots while inputs arrive (also when a
 *                        deployment ends); {@code PLANNER_SNAPSHOT_INTERVAL_MS}, default 60 s; 0 writes none
 */
public record PlannerConfig(Map<String, Object> kafka, String httpHost, int httpPort, String groupId,
                            String transactionalId, Duration tick, Duration replayTimeout, ApiAuth auth,
                            RunAllowList allowList, MeterRegistry meterRegistry, boolean requireEvidence,
                            String snapshotTopic, Duration snapshotInterval) {
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofSeconds(60);

    public PlannerConfig(Map<String, Object> kafka, String httpHost, int httpPort, String groupId,
                         String transactionalId, Duration tick, Duration replayTimeout, ApiAuth auth,
                         RunAllowList allowList, MeterRegistry meterRegistry, boolean requireEvidence) {
        this(kafka, httpHost, httpPort, groupId, transactionalId, tick, replayTimeout, auth, allowList, meterRegistry,
                requireEvidence, null, null);
    }

    /** Settings that promote on health gates alone, without waiting for judgements. */
    public PlannerConfig(Map<String, Object> kafka, String httpHost, int httpPort, String groupId,
                         String transactionalId, Duration tick, Duration replayTimeout, ApiAuth auth,
                         RunAllowList allowList, MeterRegistry meterRegistry) {
        this(kafka, httpHost, httpPort, groupId, transactionalId, tick, replayTimeout, auth, allowList, meterRegistry,
                false);
    }

    public PlannerConfig {
        snapshotTopic = snapshotTopic == null ? Topics.PLANNER_SNAPSHOTS : snapshotTopic;
        snapshotInterval = snapshotInterval == null ? DEFAULT_SNAPSHOT_INTERVAL : snapshotInterval;
        meterRegistry = meterRegistry == null ? new SimpleMeterRegistry() : meterRegistry;
        auth = auth == null ? ApiAuth.NOBODY : auth;
        allowList = allowList == null ? RunAllowList.NOTHING : allowList;
        auth.checkBind(httpHost);
    }

    /** Settings with a meter registry of their own. */
    public PlannerConfig(Map<String, Object> kafka, String httpHost, int httpPort, String groupId,
                         String transactionalId, Duration tick, Duration replayTimeout, ApiAuth auth,
                         RunAllowList allowList) {
        this(kafka, httpHost, httpPort, groupId, transactionalId, tick, replayTimeout, auth, allowList, null);
    }

    /** Settings that accept no credential and allow nothing to run until {@link #withAuth} and {@link #withAllowList}. */
    public PlannerConfig(Map<String, Object> kafka, String httpHost, int httpPort, String groupId,
                         String transactionalId, Duration tick, Duration replayTimeout) {
        this(kafka, httpHost, httpPort, groupId, transactionalId, tick, replayTimeout, null, null);
    }

    public static PlannerConfig defaults(Map<String, Object> kafka) {
        return new PlannerConfig(kafka, "127.0.0.1", DEFAULT_HTTP_PORT, "kanary-planner", "kanary-planner",
                Duration.ofMillis(100), Duration.ofSeconds(60));
    }

    public static PlannerConfig fromEnv(Map<String, String> env) {
        PlannerConfig d = defaults(KafkaSettings.fromEnv(env));
        return new PlannerConfig(d.kafka(), env.getOrDefault("PLANNER_HTTP_HOST", d.httpHost()),
                Env.of(env).wholeNumber("PLANNER_HTTP_PORT", d.httpPort()),
                env.getOrDefault("PLANNER_GROUP_ID", d.groupId()),
                env.getOrDefault("PLANNER_TRANSACTIONAL_ID", d.transactionalId()), d.tick(), d.replayTimeout(),
                ApiAuth.fromEnv(env), RunAllowList.fromEnv(env))
                .withRequireEvidence(Env.of(env).flag("KANARY_REQUIRE_EVIDENCE", true))
                .withSnapshots(env.getOrDefault("PLANNER_SNAPSHOT_TOPIC", Topics.PLANNER_SNAPSHOTS), Duration.ofMillis(
                        Env.of(env).wholeNumber("PLANNER_SNAPSHOT_INTERVAL_MS", (int) DEFAULT_SNAPSHOT_INTERVAL.toMillis())));
    }

    /** The same settings, waiting (or not) for a judgement of each batch before it completes. */
    public PlannerConfig withRequireEvidence(boolean require) {
        return new PlannerConfig(kafka, httpHost, httpPort, groupId, transactionalId, tick, replayTimeout, auth, allowList,
                meterRegistry, require,
                snapshotTopic, snapshotInterval);
    }

    public PlannerConfig withHttpPort(int port) {
        return new PlannerConfig(kafka, httpHost, port, groupId, transactionalId, tick, replayTimeout, auth, allowList, meterRegistry,
                requireEvidence,
                snapshotTopic, snapshotInterval);
    }

    public PlannerConfig withAuth(ApiAuth auth) {
        return new PlannerConfig(kafka, httpHost, httpPort, groupId, transactionalId, tick, replayTimeout, auth, allowList, meterRegistry,
                requireEvidence,
                snapshotTopic, snapshotInterval);
    }

    public PlannerConfig withAllowList(RunAllowList allowList) {
        return new PlannerConfig(kafka, httpHost, httpPort, groupId, transactionalId, tick, replayTimeout, auth, allowList, meterRegistry,
                requireEvidence,
                snapshotTopic, snapshotInterval);
    }

    public PlannerConfig withHttpHost(String host) {
        return new PlannerConfig(kafka, host, httpPort, groupId, transactionalId, tick, replayTimeout, auth, allowList, meterRegistry,
                requireEvidence,
                snapshotTopic, snapshotInterval);
    }

    /** The same settings, with the planner's meters in {@code registry}. */
    public PlannerConfig withMeterRegistry(MeterRegistry registry) {
        return new PlannerConfig(kafka, httpHost, httpPort, groupId, transactionalId, tick, replayTimeout, auth, allowList,
                registry, requireEvidence,
                snapshotTopic, snapshotInterval);
    }

    /** The same settings, snapshots in {@code topic} at most every {@code interval} (zero: none written). */
    public PlannerConfig withSnapshots(String topic, Duration interval) {
        return new PlannerConfig(kafka, httpHost, httpPort, groupId, transactionalId, tick, replayTimeout, auth, allowList,
                meterRegistry, requireEvidence, topic, interval);
    }
}
