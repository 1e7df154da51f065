package io.kanary.audit;

import java.util.List;

/**
 * One service's history: its deployments in the order they started, and what belongs to no deployment.
 *
 * @param otherEvents        the service's events that name no deployment
 * @param unattributedProbes probes whose cause is not in the topics (e.g. from external samplers)
 */
public record ServiceTimeline(String service, List<DeploymentTimeline> deployments, List<AuditEvent> otherEvents,
                              List<ProbeCount> unattributedProbes) {
    public ServiceTimeline {
        deployments = List.copyOf(deployments);
        otherEvents = List.copyOf(otherEvents);
        unattributedProbes = List.copyOf(unattributedProbes);
    }
}
