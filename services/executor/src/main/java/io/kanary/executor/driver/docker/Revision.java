package io.kanary.executor.driver.docker;

import io.kanary.schema.RunSpec;

/**
 * One container of a service, or (containerId null) the spec to create it again.
 *
 * @param port     the port the container listens on (0 before it is created)
 * @param revision orders a service's containers (creation times in seconds are too coarse)
 */
public record Revision(String containerId, String service, String version, RunSpec run, String deploymentId,
                       String commandId, int port, long revision) {

    /** A version to create a container for. */
    public static Revision planned(String service, String version, RunSpec run, String deploymentId,
                                   String commandId) {
        return new Revision(null, service, version, run, deploymentId, commandId, 0, 0);
    }

    public Revision withContainer(String id, int newPort, long newRevision) {
        return new Revision(id, service, version, run, deploymentId, commandId, newPort, newRevision);
    }

    /** {@code host/service/version/<short container id>}, as host events name instances. */
    public String instanceId(String hostId) {
        String container = containerId == null ? "(no container)"
                : containerId.substring(0, Math.min(12, containerId.length()));
        return hostId + "/" + service + "/" + version + "/" + container;
    }
}
