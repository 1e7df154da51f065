package io.kanary.cli;

import java.nio.file.Path;
import java.util.List;
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
 */
record StackOptions(String bootstrapServers, int kafkaPort, Path dataDir, Set<ServiceName> services, List<String> hosts,
                    int httpPort, long probeIntervalMs) {
}
