package io.kanary.planner.snapshot;

import io.kanary.planner.state.Fleet;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One record of planner.snapshots (key: the host id): what the planner knew of a host when it took
 * the snapshot, and from where in host.events a restart must read on top of it.
 *
 * @param host       the host's driver, labels, last heartbeat and what it runs
 * @param replayFrom for each host.events partition, the offset a restart reads from: no later than
 *                   the end of what the snapshot covers, and no later than where the host answers of
 *                   any deployment then active begin (those answers rebuild the deployment's state)
 * @param takenAt    when the planner took it
 */
public record HostSnapshot(int schemaVersion, Fleet.HostState host, List<PartitionOffset> replayFrom,
                           Instant takenAt) {
    public static final int SCHEMA_VERSION = 1;

    public HostSnapshot {
        Objects.requireNonNull(host, "host is required");
        Objects.requireNonNull(host.hostId(), "host.hostId is required");
        replayFrom = replayFrom == null ? List.of() : List.copyOf(replayFrom);
    }

    /** An offset of one partition of host.events. */
    public record PartitionOffset(int partition, long offset) {
    }
}
