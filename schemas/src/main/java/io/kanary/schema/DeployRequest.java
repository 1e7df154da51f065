package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;
import java.util.List;

/**
 * A request to roll {@code version} of {@code service} out, as published on deploy.requests.
 *
 * @param deploymentId optional; the planner derives one from the event id when it is absent
 * @param hosts        the target hosts; empty means every host now running the service
 * @param batchSize    hosts updated at a time (default 1)
 * @param policy       absent fields take {@link Policy}'s defaults
 */
@JsonTypeName("deploy.requested")
public record DeployRequest(String eventId, int schemaVersion, String deploymentId, String service, String version,
                            RunSpec run, List<String> hosts, Integer batchSize, Policy policy, String requestedBy,
                            Instant requestedAt) implements KanaryEvent {
    public static final int DEFAULT_BATCH_SIZE = 1;

    public DeployRequest {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        batchSize = batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
        policy = policy == null ? Policy.defaults() : policy;
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
    }

    /** The deployment id to use: the one given, or one derived from this request's event id. */
    public String effectiveDeploymentId() {
        return deploymentId != null && !deploymentId.isBlank() ? deploymentId : "d-" + eventId;
    }

    @Override
    public String subject() {
        return effectiveDeploymentId();
    }
}
