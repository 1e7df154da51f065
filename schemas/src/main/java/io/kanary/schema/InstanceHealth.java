package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;
import java.util.Objects;

/**
 * Where one instance's probes stand, on instance.health keyed by service: how many good probes in a
 * row it answered and since when. Derived from health.probes by whoever probes the instance (the
 * health-watcher, the executor for command checks), published when the instance's ok-state changes
 * and otherwise at most once a second while its streak grows, so it is a small fraction of the probes.
 * The planner's health gates read this instead of every probe.
 *
 * @param goodInARow  consecutive good probes up to and including the latest; 0 after a failed one
 * @param goodSince   when the first probe of that streak was sent; null when {@code goodInARow} is 0
 * @param lastProbedAt when the latest probe counted was sent
 * @param lastOk      whether the latest probe counted was good
 * @param lastProbeId the event id of the latest probe counted (on health.probes)
 */
@JsonTypeName("instance.health")
public record InstanceHealth(String eventId, int schemaVersion, String service, String version, String hostId,
                             String instanceId, int goodInARow, Instant goodSince, Instant lastProbedAt, boolean lastOk,
                             String lastProbeId) implements KanaryEvent {
    public InstanceHealth {
        Objects.requireNonNull(service, "service is required");
        Objects.requireNonNull(version, "version is required");
        Objects.requireNonNull(hostId, "hostId is required");
        Objects.requireNonNull(lastProbedAt, "lastProbedAt is required");
        if (goodInARow < 0) {
            throw new IllegalArgumentException("goodInARow must be >= 0, was " + goodInARow);
        }
        if (goodInARow > 0 && goodSince == null) {
            throw new IllegalArgumentException("goodSince is required when goodInARow is " + goodInARow);
        }
        if (lastOk != goodInARow > 0) {
            throw new IllegalArgumentException("lastOk must be true exactly when goodInARow > 0, was " + lastOk
                    + " with goodInARow " + goodInARow);
        }
    }

    @Override
    public String subject() {
        return service;
    }
}
