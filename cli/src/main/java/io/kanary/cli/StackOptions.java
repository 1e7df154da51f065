package io.kanary.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link KanaryStack} starts.
 *
 * @param bootstrapServers an existing cluster, or null for the embedded broker
 * @param kafkaPort        the embedded broker's port (0: a free one)
 * @param dataDir          the embedded broker's data directory, or null for a temporary one
 * @param hosts            the hosts the executor serves
 * @param httpPort         the planner's HTTP port (0: a free one)
 * @param probeIntervalMs  the health-watcher's interval for services without a policy
 * @param driver           how the executor runs instances
 * @param dockerHosts      with the docker driver: host id → engine endpoint (the hosts are its keys)
 * @param stopOnClose      with the docker driver: stop the containers when the stack closes (the demo does)
 */
record StackOptions(String bootstrapServers, int kafkaPort, Path dataDir, Set<ServiceName> services, List<String> hosts,
                    int httpPort, long probeIntervalMs, Driver driver, Map<String, String> dockerHosts,
                    boolean stopOnClose) {

    /** The process driver's options. */
    static StackOptions processes(String bootstrapServers, int kafkaPort, Path dataDir, Set<ServiceName> services,
                                  List<String> hosts, int httpPort, long probeIntervalMs) {
        return new StackOptions(bootstrapServers, kafkaPort, dataDir, services, hosts, httpPort, probeIntervalMs,
                Driver.PROCESS, Map.of(), false);
    }

    /** The hosts the executor serves: the docker endpoints' host ids, or the process hosts. */
    List<String> executorHosts() {
        return driver == Driver.DOCKER ? dockerHosts.keySet().stream().sorted().toList() : hosts;
    }
}
