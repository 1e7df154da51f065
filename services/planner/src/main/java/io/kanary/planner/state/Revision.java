package io.kanary.planner.state;

import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import java.time.Instant;
import java.util.List;

/**
 * A deployment that succeeded: a revision of its service, numbered from 1 in the order they
 * succeeded, with what it ran and how it was judged, taken from its {@code deployment.started}
 * record, so undo and restart deploy it again from the record, not from memory.
 *
 * @param hosts the hosts it was deployed to, in its plan's order
 */
public record Revision(int revision, String deploymentId, String version, RunSpec run, Policy policy,
                       List<String> hosts, Instant succeededAt) {
}
