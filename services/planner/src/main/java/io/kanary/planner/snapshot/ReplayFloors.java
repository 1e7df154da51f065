package io.kanary.planner.snapshot;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Where in host.events a restart must begin reading, per partition, for the state it rebuilds to be
 * the one a replay from the beginning gives: no later than what the planner has consumed, and no
 * later than where the host answers of any active deployment may begin. Those answers (instances
 * started, commands failed, rollbacks confirmed) rebuild the deployment's state, so they are read
 * again; a deployment's answers all come after the transaction that started it, so the positions
 * at its start bound them. A deployment that was already active when this planner started is bound
 * by the offsets its snapshot was read from.
 *
 * <p>Reading host events again on top of a snapshot that already holds them changes nothing: what a
 * host runs, its labels and its latest heartbeat are each the last word read.
 */
public final class ReplayFloors {
    private Map<TopicPartition, Long> restoredFrom = Map.of();
    private final Map<String, Map<TopicPartition, Long>> startedAt = new HashMap<>();

    /** The offsets this start replayed host.events from (empty: from the beginning). */
    public void restored(Map<TopicPartition, Long> replayedFrom) {
        restoredFrom = Map.copyOf(replayedFrom);
    }

    /** Deployment {@code deploymentId} starts in the transaction under way; {@code positions} are the consumer's now. */
    public void started(String deploymentId, Map<TopicPartition, Long> positions) {
        startedAt.put(deploymentId, Map.copyOf(positions));
    }

    /** The offsets a snapshot taken now replays from, given the consumer's positions and the deployments active now. */
    public Map<TopicPartition, Long> floors(Map<TopicPartition, Long> positions, Collection<String> active) {
        startedAt.keySet().retainAll(active);
        Map<TopicPartition, Long> floors = new HashMap<>();
        positions.forEach((partition, position) -> {
            long floor = position;
            for (String id : active) {
                Map<TopicPartition, Long> started = startedAt.get(id);
                long bound = started != null && started.containsKey(partition) ? started.get(partition)
                        : restoredFrom.getOrDefault(partition, 0L);
                floor = Math.min(floor, bound);
            }
            floors.put(partition, floor);
        });
        return floors;
    }
}
