package io.kanary.executor.driver.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import io.kanary.executor.driver.DriverException;
import io.kanary.executor.driver.ReadinessWait;
import java.util.function.BooleanSupplier;

/**
 * Watches a container that is starting: gives up as soon as it exits (with its exit code, an
 * out-of-memory kill and its last log lines) or the driver closes.
 */
public final class ContainerStartWatch implements ReadinessWait.Watch {
    /** Connects are cheap and frequent; asking the engine for the container's state is not. */
    private static final int STATE_CHECK_EVERY = 20;

    private final DockerClient docker;
    private final EngineErrors errors;
    private final String hostId;
    private final Revision revision;
    private final String where;
    private final BooleanSupplier driverClosed;

    /** @param where the address the container should accept connections on, as failures name it */
    public ContainerStartWatch(DockerClient docker, EngineErrors errors, String hostId, Revision revision, String where,
                               BooleanSupplier driverClosed) {
        this.docker = docker;
        this.errors = errors;
        this.hostId = hostId;
        this.revision = revision;
        this.where = where;
        this.driverClosed = driverClosed;
    }

    @Override
    public void check(int attempt) throws DriverException {
        String instanceId = revision.instanceId(hostId);
        if (driverClosed.getAsBoolean()) {
            throw new DriverException("the docker driver of " + hostId + " closed while " + instanceId + " was starting");
        }
        if (attempt % STATE_CHECK_EVERY != 0) {
            return;
        }
        InspectContainerResponse.ContainerState state = errors.call("inspect " + instanceId,
                () -> docker.inspectContainerCmd(revision.containerId()).exec()).getState();
        if (!Boolean.TRUE.equals(state.getRunning()) || Boolean.TRUE.equals(state.getRestarting())) {
            throw new DriverException(instanceId + " " + exitReason(state) + " before accepting connections on "
                    + where + logTail());
        }
    }

    @Override
    public String logTail() {
        return ContainerLogs.tail(docker, revision.containerId());
    }

    static String exitReason(InspectContainerResponse.ContainerState state) {
        StringBuilder reason = new StringBuilder(Boolean.TRUE.equals(state.getRestarting())
                ? "keeps exiting (last exit code " + state.getExitCodeLong() + ")"
                : "exited with code " + state.getExitCodeLong());
        if (Boolean.TRUE.equals(state.getOOMKilled())) {
            reason.append(" (out of memory: the kernel killed it)");
        }
        if (state.getError() != null && !state.getError().isBlank()) {
            reason.append(": ").append(state.getError());
        }
        return reason.toString();
    }
}
