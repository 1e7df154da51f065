package io.kanary.cli.client;

import io.kanary.schema.DeployRequest;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import java.util.List;

/**
 * Deploy requests as the planner's API takes them: the {@link DeployRequest} record, written by the
 * one Jackson mapper, without the envelope (event id, schema version, time) the API fills in. The
 * one place the CLI calls the record's constructor.
 */
public final class DeployRequests {
    private DeployRequests() {
    }

    public static DeployRequest of(String deploymentId, String service, String version, RunSpec run, List<String> hosts,
                                   Integer batchSize, Policy policy, String requestedBy) {
        return new DeployRequest(null, 0, deploymentId, service, version, run, hosts, batchSize, policy, requestedBy, null);
    }
}
