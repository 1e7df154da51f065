package io.kanary.cli.stack;

import io.kanary.executor.ExecutorConfig;
import io.kanary.health.HealthWatcherConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link KanaryStack} starts.
 *
 * @param bootstrapServers  an existing cluster, or null for the embedded broker
 * @param kafkaPort         the embedded broker's port (0: a free one)
 * @param dataDir           the embedded broker's data directory, or null for a temporary one; also the
 *                          default home of the detector's state and the executor's instance logs
 * @param hosts             the hosts the executor serves
 * @param httpPort          the planner's HTTP port (0: a free one)
 * @param probeIntervalMs   the health-watcher's interval for services without a policy
 * @param driver            how the executor runs instances
 * @param dockerHosts       with the docker driver: host id → engine endpoint (the hosts are its keys)
 * @param stopOnClose       with the docker driver: stop the containers when the stack closes (the demo does)
 * @param executorId        the executor's id: names its consumer group, one per executor
 * @param httpHost          the address the planner's HTTP API binds
 * @param probeTimeoutMs    how long a probe waits for an answer
 * @param stateDir          the breach-detector's state directory, or null for the default beside {@code dataDir}
 * @param logDir            the executor's instance logs, or null for the default beside {@code dataDir}
 * @param partitions        partitions of health.probes, traffic.samples and deploy.events where created (the others get 1)
 * @param replicationFactor replication factor of each topic created where missing (0: the number of
 *                          brokers, at most 3)
 * @param instanceId        this process's name among the planners and detectors of the cluster: part
 *                          of their static consumer-group membership
 * @param hostLabels        what the executor says of every host it serves, e.g. {@code env=staging}: what a
 *                          request's {@code hostSelector} matches (empty: none)
 * @param observability     metrics, dashboard and notification settings
 */
public record StackOptions(String bootstrapServers, int kafkaPort, Path dataDir, Set<ServiceName> services, List<String> hosts,
                    int httpPort, long probeIntervalMs, Driver driver, Map<String, String> dockerHosts,
                    boolean stopOnClose, String executorId, String httpHost, long probeTimeoutMs, Path stateDir,
                    Path logDir, int partitions, int replicationFactor, String instanceId,
                    Map<String, String> hostLabels, ObservabilityOptions observability) {

    public static final String DEFAULT_HTTP_HOST = "127.0.0.1";

    public StackOptions {
        hostLabels = hostLabels == null ? Map.of() : Map.copyOf(hostLabels);
        observability = observability == null ? ObservabilityOptions.defaults() : observability;
    }

    /** These options with other metrics, dashboard and notification settings. */
    public StackOptions withObservability(ObservabilityOptions settings) {
        return new StackOptions(bootstrapServers, kafkaPort, dataDir, services, hosts, httpPort, probeIntervalMs, driver,
                dockerHosts, stopOnClose, executorId, httpHost, probeTimeoutMs, stateDir, logDir, partitions,
                replicationFactor, instanceId, hostLabels, settings);
    }

    /** Every split-mode setting at its default. */
    public StackOptions(String bootstrapServers, int kafkaPort, Path dataDir, Set<ServiceName> services, List<String> hosts,
                 int httpPort, long probeIntervalMs, Driver driver, Map<String, String> dockerHosts,
                 boolean stopOnClose) {
        this(bootstrapServers, kafkaPort, dataDir, services, hosts, httpPort, probeIntervalMs, driver, dockerHosts,
                stopOnClose, ExecutorConfig.DEFAULT_EXECUTOR_ID, DEFAULT_HTTP_HOST,
                HealthWatcherConfig.DEFAULT_PROBE_TIMEOUT.toMillis(), null, null, 1, 0, defaultInstanceId(), Map.of(),
                ObservabilityOptions.defaults());
    }

    /** This machine's host name, or {@code local} when it has none. */
    public static String defaultInstanceId() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "local";
        }
    }

    /** The process driver's options. */
    public static StackOptions processes(String bootstrapServers, int kafkaPort, Path dataDir, Set<ServiceName> services,
                                  List<String> hosts, int httpPort, long probeIntervalMs) {
        return new StackOptions(bootstrapServers, kafkaPort, dataDir, services, hosts, httpPort, probeIntervalMs,
                Driver.PROCESS, Map.of(), false);
    }

    /** The hosts the executor serves: the docker endpoints' host ids, or the process hosts. */
    public List<String> executorHosts() {
        return driver == Driver.DOCKER ? dockerHosts.keySet().stream().sorted().toList() : hosts;
    }
}
