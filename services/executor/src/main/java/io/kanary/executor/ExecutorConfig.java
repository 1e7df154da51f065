package io.kanary.executor;

import io.kanary.executor.driver.DockerDriver;
import io.kanary.executor.driver.DockerSettings;
import io.kanary.executor.driver.ProcessDriver;
import io.kanary.kafka.KafkaSettings;
import io.kanary.security.RunAllowList;
import io.kanary.settings.Env;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * @param driver        how hosts run instances: {@code process} (local OS processes) or {@code docker}
 *                      (containers on Docker engines)
 * @param logDir        where the process driver writes each instance's output (one folder per host)
 * @param startDeadline how long a new instance may take to accept connections
 * @param docker        the docker driver's endpoints (host id → endpoint) and settings; every host
 *                      needs an endpoint when the driver is {@code docker}
 * @param allowList     what each service may run here ({@code KANARY_ALLOW_*}); nothing unless configured
 * @param heartbeatInterval how often the executor publishes a {@code host.heartbeat} for each of its
 *                      hosts, so the planner can tell a host whose executor is gone
 * @param hostLabels    what every host of this executor says of itself ({@code KANARY_HOST_LABELS}), in its
 *                      announcement and heartbeats, for requests' {@code hostSelector}
 * @param meterRegistry where the executor's meters go (by default a registry of its own that nothing reads)
 */
public record ExecutorConfig(Map<String, Object> kafka, String executorId, List<String> hostIds, String driver,
                             Path logDir, Duration startDeadline, DockerSettings docker, RunAllowList allowList,
                             Duration heartbeatInterval, Map<String, String> hostLabels, MeterRegistry meterRegistry) {
    public static final String DEFAULT_EXECUTOR_ID = "executor-1";
    public static final String DEFAULT_HOSTS = "host-1";
    /**
     * 5 s, so the planner's allowance of 3 missed heartbeats is 15 s: a kill -9 and restart of an
     * executor, or a broker failing over, silences heartbeats for 3–8 s on a quiet machine, and at 2 s
     * the fault campaign saw healthy rollouts end FAILED for it. Still a quarter of the default health deadline.
     */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

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
        if (!ProcessDriver.KIND.equals(driver) && !DockerDriver.KIND.equals(driver)) {
            throw new IllegalArgumentException("KANARY_EXECUTOR_DRIVER '" + driver + "' is not supported; use '"
                    + ProcessDriver.KIND + "' or '" + DockerDriver.KIND + "'");
        }
        docker = docker == null ? DockerSettings.of(Map.of()) : docker;
        allowList = allowList == null ? RunAllowList.NOTHING : allowList;
        if (DockerDriver.KIND.equals(driver)) {
            Map<String, String> endpoints = docker.endpoints();
            List<String> missing = hostIds.stream().filter(host -> !endpoints.containsKey(host)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("KANARY_DOCKER_HOSTS has no endpoint for " + missing
                        + "; give one per host, e.g. host-1=unix:///var/run/docker.sock");
            }
        }
        if (logDir == null) {
            throw new IllegalArgumentException("KANARY_EXECUTOR_LOG_DIR must be set");
        }
        if (startDeadline == null || startDeadline.isNegative() || startDeadline.isZero()) {
            throw new IllegalArgumentException("the start deadline must be positive, was " + startDeadline);
        }
        heartbeatInterval = heartbeatInterval == null ? DEFAULT_HEARTBEAT_INTERVAL : heartbeatInterval;
        hostLabels = hostLabels == null ? Map.of() : Map.copyOf(hostLabels);
        meterRegistry = meterRegistry == null ? new SimpleMeterRegistry() : meterRegistry;
        if (heartbeatInterval.toMillis() < 1) {
            throw new IllegalArgumentException("KANARY_EXECUTOR_HEARTBEAT_MS must be at least 1, was "
                    + heartbeatInterval.toMillis());
        }
    }

    /** Every setting but the meter registry (one of its own). */
    public ExecutorConfig(Map<String, Object> kafka, String executorId, List<String> hostIds, String driver,
                          Path logDir, Duration startDeadline, DockerSettings docker, RunAllowList allowList,
                          Duration heartbeatInterval, Map<String, String> hostLabels) {
        this(kafka, executorId, hostIds, driver, logDir, startDeadline, docker, allowList, heartbeatInterval, hostLabels,
                null);
    }

    /** Every setting but the hosts' labels (they have none). */
    public ExecutorConfig(Map<String, Object> kafka, String executorId, List<String> hostIds, String driver,
                          Path logDir, Duration startDeadline, DockerSettings docker, RunAllowList allowList,
                          Duration heartbeatInterval) {
        this(kafka, executorId, hostIds, driver, logDir, startDeadline, docker, allowList, heartbeatInterval, null);
    }

    /**
     * {@code KANARY_HOST_LABELS}: comma-separated {@code label=value} pairs every host of this executor
     * announces, e.g. {@code env=staging,zone=a}; requests pick hosts by them ({@code hostSelector}).
     */
    public static Map<String, String> parseLabels(String text) {
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return labels;
        }
        for (String pair : text.split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new IllegalArgumentException("KANARY_HOST_LABELS must be label=value pairs separated by commas, "
                        + "e.g. env=staging,zone=a; '" + pair.strip() + "' is not one");
            }
            labels.put(kv[0].strip(), kv[1].strip());
        }
        return labels;
    }

    /** Every setting but the allow-list and the heartbeat's: nothing may run until {@link #withAllowList}. */
    public ExecutorConfig(Map<String, Object> kafka, String executorId, List<String> hostIds, String driver,
                          Path logDir, Duration startDeadline, DockerSettings docker) {
        this(kafka, executorId, hostIds, driver, logDir, startDeadline, docker, null, null);
    }

    /** The same settings with another heartbeat interval. */
    public ExecutorConfig withHeartbeatInterval(Duration interval) {
        return new ExecutorConfig(kafka, executorId, hostIds, driver, logDir, startDeadline, docker, allowList, interval,
                hostLabels, meterRegistry);
    }

    /** The same settings with the labels every host announces. */
    public ExecutorConfig withHostLabels(Map<String, String> labels) {
        return new ExecutorConfig(kafka, executorId, hostIds, driver, logDir, startDeadline, docker, allowList,
                heartbeatInterval, labels, meterRegistry);
    }

    public ExecutorConfig withAllowList(RunAllowList allowList) {
        return new ExecutorConfig(kafka, executorId, hostIds, driver, logDir, startDeadline, docker, allowList,
                heartbeatInterval, hostLabels, meterRegistry);
    }

    /** The same settings, with the executor's meters in {@code registry}. */
    public ExecutorConfig withMeterRegistry(MeterRegistry registry) {
        return new ExecutorConfig(kafka, executorId, hostIds, driver, logDir, startDeadline, docker, allowList,
                heartbeatInterval, hostLabels, registry);
    }

    /** The process driver's configuration (no Docker settings). */
    public ExecutorConfig(Map<String, Object> kafka, String executorId, List<String> hostIds, String driver,
                          Path logDir, Duration startDeadline) {
        this(kafka, executorId, hostIds, driver, logDir, startDeadline, null, null, null);
    }

    /**
     * The docker driver's configuration: one host per entry of {@code endpoints} (host id →
     * {@code unix://} or {@code tcp://} endpoint), every other Docker setting at its default.
     */
    public static ExecutorConfig docker(Map<String, Object> kafka, String executorId, Map<String, String> endpoints,
                                        Duration startDeadline) {
        return new ExecutorConfig(kafka, executorId, List.copyOf(endpoints.keySet()), DockerDriver.KIND,
                Path.of(System.getProperty("java.io.tmpdir"), "kanary", "instances"), startDeadline,
                DockerSettings.of(endpoints));
    }

    /**
     * Reads {@code KAFKA_*} (see {@link KafkaSettings}), {@code KANARY_EXECUTOR_ID},
     * {@code KANARY_EXECUTOR_HOSTS} (comma-separated), {@code KANARY_EXECUTOR_DRIVER},
     * {@code KANARY_EXECUTOR_LOG_DIR}, {@code KANARY_EXECUTOR_START_DEADLINE_SECONDS},
     * {@code KANARY_EXECUTOR_HEARTBEAT_MS}, {@code KANARY_HOST_LABELS} and, for the
     * docker driver, the {@code KANARY_DOCKER_*} settings of {@link DockerSettings#fromEnv}. With
     * {@code KANARY_EXECUTOR_DRIVER=docker} and no {@code KANARY_EXECUTOR_HOSTS}, the hosts are
     * those of {@code KANARY_DOCKER_HOSTS}. What may run comes from {@link RunAllowList#fromEnv}.
     */
    public static ExecutorConfig fromEnv(Map<String, String> env) {
        Duration startDeadline = Env.of(env).seconds("KANARY_EXECUTOR_START_DEADLINE_SECONDS",
                ProcessDriver.DEFAULT_START_DEADLINE);
        Duration heartbeatInterval = Env.of(env).millis("KANARY_EXECUTOR_HEARTBEAT_MS", DEFAULT_HEARTBEAT_INTERVAL);
        String logDir = env.get("KANARY_EXECUTOR_LOG_DIR");
        String driver = env.getOrDefault("KANARY_EXECUTOR_DRIVER", ProcessDriver.KIND).trim();
        DockerSettings docker = DockerDriver.KIND.equals(driver) ? DockerSettings.fromEnv(env) : null;
        String hosts = env.get("KANARY_EXECUTOR_HOSTS");
        if (hosts == null || hosts.isBlank()) {
            hosts = docker != null && !docker.endpoints().isEmpty()
                    ? String.join(",", DockerSettings.parseHosts(env.get("KANARY_DOCKER_HOSTS")).keySet())
                    : DEFAULT_HOSTS;
        }
        return new ExecutorConfig(
                KafkaSettings.fromEnv(env),
                env.getOrDefault("KANARY_EXECUTOR_ID", DEFAULT_EXECUTOR_ID),
                Arrays.stream(hosts.split(","))
                        .map(String::trim)
                        .filter(host -> !host.isEmpty())
                        .toList(),
                driver,
                logDir == null || logDir.isBlank()
                        ? Path.of(System.getProperty("java.io.tmpdir"), "kanary", "instances")
                        : Path.of(logDir),
                startDeadline,
                docker,
                RunAllowList.fromEnv(env),
                heartbeatInterval,
                parseLabels(env.get("KANARY_HOST_LABELS")));
    }

    /** Its own group, so that several executors each read every command. */
    public String groupId() {
        return "kanary-executor-" + executorId;
    }
}
