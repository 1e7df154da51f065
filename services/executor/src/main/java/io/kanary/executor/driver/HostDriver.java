package io.kanary.executor.driver;

import io.kanary.schema.Instance;
import io.kanary.schema.RunSpec;
import java.util.Optional;

/**
 * Runs services on one host. A driver runs at most one instance per service and keeps the run
 * spec of the version it replaced, so that {@link #rollback} can bring that version back.
 *
 * <p>Calls for one host come from one thread, in command order; {@link #close} may come from
 * another thread while a call is in progress.
 */
public interface HostDriver extends AutoCloseable {

    String hostId();

    /** The driver's kind as announced on host.events, e.g. {@code process} or {@code docker}. */
    String kind();

    /**
     * Starts {@code version}, waits until it is ready, then stops the instance it replaces. On
     * failure the replaced instance keeps running.
     *
     * @param context the deployment and command this deploy belongs to (drivers may record them)
     */
    Instance deploy(String service, String version, RunSpec run, DeployContext context) throws DriverException;

    /** {@link #deploy(String, String, RunSpec, DeployContext)} outside any deployment or command. */
    default Instance deploy(String service, String version, RunSpec run) throws DriverException {
        return deploy(service, version, run, DeployContext.NONE);
    }

    /**
     * Stops the current instance and starts the version it replaced again.
     *
     * @return what runs now, or empty when no earlier version was kept
     */
    Optional<RunningInstance> rollback(String service) throws DriverException;

    /** @return the instance it stopped, or empty when none was running */
    Optional<RunningInstance> stop(String service) throws DriverException;

    /**
     * {@link #rollback(String)} on behalf of a command, which drivers that keep a journal record
     * so that a restart can see the rollback through.
     */
    default Optional<RunningInstance> rollback(String service, DeployContext context) throws DriverException {
        return rollback(service);
    }

    /** {@link #stop(String)} on behalf of a command; see {@link #rollback(String, DeployContext)}. */
    default Optional<RunningInstance> stop(String service, DeployContext context) throws DriverException {
        return stop(service);
    }

    /**
     * The id of the command that started the service's current instance, if the driver knows it:
     * a deploy command seen again whose instance already runs is reported, not carried out twice.
     */
    default Optional<String> commandOf(String service) {
        return Optional.empty();
    }

    /**
     * What the driver did at start about actions an earlier executor left half-done, and instances
     * that stopped while no executor watched; each is returned once.
     */
    default java.util.List<Recovery> recoveries() {
        return java.util.List.of();
    }

    /** The service's current instance, if one runs. */
    Optional<RunningInstance> current(String service);

    /**
     * Stops taking calls; bounded. The process driver stops every instance it started (they cannot
     * outlive it); the docker driver leaves its containers to the engine unless told otherwise.
     */
    @Override
    void close();
}
