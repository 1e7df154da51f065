package io.kanary.planner;

import io.kanary.kafka.KafkaSettings;
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
 */
public record PlannerConfig(Map<String, Object> kafka, String httpHost, int httpPort, String groupId,
                            String transactionalId, Duration tick, Duration replayTimeout) {
    public static final int DEFAULT_HTTP_PORT = 8080;

    public static PlannerConfig defaults(Map<String, Object> kafka) {
        return new PlannerConfig(kafka, "127.0.0.1", DEFAULT_HTTP_PORT, "kanary-planner", "kanary-planner",
                Duration.ofMillis(100), Duration.ofSeconds(60));
    }

    public static PlannerConfig fromEnv(Map<String, String> env) {
        PlannerConfig d = defaults(KafkaSettings.fromEnv(env));
        return new PlannerConfig(d.kafka(), env.getOrDefault("PLANNER_HTTP_HOST", d.httpHost()),
                Integer.parseInt(env.getOrDefault("PLANNER_HTTP_PORT", Integer.toString(d.httpPort()))),
                env.getOrDefault("PLANNER_GROUP_ID", d.groupId()),
                env.getOrDefault("PLANNER_TRANSACTIONAL_ID", d.transactionalId()), d.tick(), d.replayTimeout());
    }

    public PlannerConfig withHttpPort(int port) {
        return new PlannerConfig(kafka, httpHost, port, groupId, transactionalId, tick, replayTimeout);
    }

    public PlannerConfig withHttpHost(String host) {
        return new PlannerConfig(kafka, host, httpPort, groupId, transactionalId, tick, replayTimeout);
    }
}
