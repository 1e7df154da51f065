package io.kanary.executor.driver;

import java.util.Set;

/**
 * Chooses the port a new instance listens on. Ports belong to the host that runs the instance:
 * {@link LocalFreePorts} asks this machine, the docker driver asks a remote engine's containers.
 */
@FunctionalInterface
public interface FreePorts {

    /**
     * A port free on the instance's host.
     *
     * @param avoid ports the driver has promised elsewhere (e.g. to a stopped container it may start again)
     */
    int pick(Set<Integer> avoid) throws DriverException;
}
