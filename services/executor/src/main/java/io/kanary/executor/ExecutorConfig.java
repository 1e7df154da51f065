package io.kanary.executor;

import io.kanary.executor.driver.ProcessDriver;
import io.kanary.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * How an executor runs.
 *
 * @param kafka         Kafka client properties
 * @param executorId    names the consumer group {@code kanary-executor-<executorId>}: give every
 *                      executor its own, so each sees every command and keeps its hosts' ones
 * @param hostIds       the hosts this executor serves, e.g. {@code host-1}
 * @param driver        how hosts run instances; only {@code process} for now
 * @param logDir        where the process driver writes each instance's output (one folder per host)
 * @param startDeadline how long a new instance may take to accept connections
 */
public record ExecutorConfig(Map<String, Object> kafka, String executorId, List<String> hostIds, String driver,
                             Path logDir, Duration startDeadline) {
    public static final String DEFAULT_EXECUTOR_ID = "executor-1";
    public static final String DEFAULT_HOSTS = "host-1";

    public ExecutorConfig {
        kafka = Map.copyOf(kafka);
        if (executorId == null || executorId.isBlank()) {
            throw new IllegalArgumentException("KANARY_EXECUTOR_ID must not be blank");
        }
        hostIds = List.copyOf(hostIds);
        if (hostIds.isEmpty() || hostIds.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("KANARY_EXECUTOR_HOSTS must list at least one host id, was " + hostIds);
        }
        if (new HashSet<>(hostIds).size() != hostIds.size()) {
            throw new IllegalArgumentException("KANARY_EXECUTOR_HOSTS lists a host twice: " + hostIds);
        }
        if (!ProcessDriver.KIND.equals(driver)) {
            throw new IllegalArgumentException("KANARY_EXECUTOR_DRIVER '" + driver + "' is not supported; use '"
                    + ProcessDriver.KIND + "'");
        }
        if (logDir == null) {
            throw new IllegalArgumentException("KANARY_EXECUTOR_LOG_DIR must be set");
        }
        if (startDeadline == null || startDeadline.isNegative() || startDeadline.isZero()) {
            throw new IllegalArgumentException("the start deadline must be positive, was " + startDeadline);
        }
    }

    /**
     * Reads {@code KAFKA_*} (see {@link KafkaSettings}), {@code KANARY_EXECUTOR_ID},
     * {@code KANARY_EXECUTOR_HOSTS} (comma-separated), {@code KANARY_EXECUTOR_DRIVER},
     * {@code KANARY_EXECUTOR_LOG_DIR} and {@code KANARY_EXECUTOR_START_DEADLINE_SECONDS}.
     */
    public static ExecutorConfig fromEnv(Map<String, String> env) {
        String deadline = env.get("KANARY_EXECUTOR_START_DEADLINE_SECONDS");
        Duration startDeadline;
        try {
            startDeadline = deadline == null || deadline.isBlank()
                    ? ProcessDriver.DEFAULT_START_DEADLINE
                    : Duration.ofSeconds(Long.parseLong(deadline.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "KANARY_EXECUTOR_START_DEADLINE_SECONDS must be a whole number, was '" + deadline + "'");
        }
        String logDir = env.get("KANARY_EXECUTOR_LOG_DIR");
        return new ExecutorConfig(
                KafkaSettings.fromEnv(env),
                env.getOrDefault("KANARY_EXECUTOR_ID", DEFAULT_EXECUTOR_ID),
                Arrays.stream(env.getOrDefault("KANARY_EXECUTOR_HOSTS", DEFAULT_HOSTS).split(","))
                        .map(String::trim)
                        .filter(host -> !host.isEmpty())
                        .toList(),
                env.getOrDefault("KANARY_EXECUTOR_DRIVER", ProcessDriver.KIND),
                logDir == null || logDir.isBlank()
                        ? Path.of(System.getProperty("java.io.tmpdir"), "kanary", "instances")
                        : Path.of(logDir),
                startDeadline);
    }

    /** Its own group, so that several executors each read every command. */
    public String groupId() {
        return "kanary-executor-" + executorId;
    }
}
