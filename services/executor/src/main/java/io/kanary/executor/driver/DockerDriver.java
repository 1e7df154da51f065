package io.kanary.executor.driver;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.kanary.executor.driver.docker.ContainerLabels;
import io.kanary.executor.driver.docker.ContainerStartWatch;
import io.kanary.executor.driver.docker.Containers;
import io.kanary.executor.driver.docker.EngineErrors;
import io.kanary.executor.driver.docker.EngineFreePorts;
import io.kanary.executor.driver.docker.Images;
import io.kanary.executor.driver.docker.Reconciliation;
import io.kanary.executor.driver.docker.Revision;
import io.kanary.schema.Instance;
import io.kanary.schema.RunSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each version of a service as a container on one Docker engine, through docker-java.
 *
 * <p>Every container uses the host network and gets its own free port on the engine's host as env
 * {@code PORT} (and in place of {@code {port}} in the run spec's command), so several versions can
 * run side by side. A deploy creates and starts the new container, waits until its port accepts
 * connections, then stops the one it replaces gracefully and <em>keeps</em> it: a rollback stops the
 * new container and starts the kept one again (warm: no pull, no create). A kept container that was
 * removed is created again from the spec recorded in its labels.
 *
 * <p>Everything the driver needs to know is on the containers' labels ({@link ContainerLabels}), so
 * a new driver reconciles from them ({@link Reconciliation}): the running container of a service is
 * its current one, the newest stopped one before it is the one to roll back to.
 *
 * <p>Every call to the engine is bounded (the client's connect and response timeouts); every
 * engine error becomes a {@link DriverException} that carries the daemon's message ({@link EngineErrors}).
 */
public final class DockerDriver implements HostDriver {
    public static final String KIND = "docker";
    public static final String LABEL_HOST = ContainerLabels.HOST;
    public static final String LABEL_SERVICE = ContainerLabels.SERVICE;
    public static final String LABEL_VERSION = ContainerLabels.VERSION;
    public static final String LABEL_DEPLOYMENT = ContainerLabels.DEPLOYMENT;
    public static final String LABEL_COMMAND = ContainerLabels.COMMAND;
    public static final String LABEL_PORT = ContainerLabels.PORT;
    public static final String LABEL_REVISION = ContainerLabels.REVISION;
    public static final String LABEL_SPEC = ContainerLabels.SPEC;
    public static final String LABEL_PREVIOUS = ContainerLabels.PREVIOUS;

    // A loopback connect costs microseconds: poll often, since every poll interval is added to a rollback.
    private static final Duration READY_POLL = Duration.ofMillis(10);
    private static final Logger LOG = LoggerFactory.getLogger(DockerDriver.class);

    private final String hostId;
    private final DockerClient docker;
    private final boolean ownsClient;
    private final String hostAddress;
    private final DockerSettings settings;
    private final EngineErrors errors;
    private final Containers containers;
    private final Images images;
    private final FreePorts ports;
    private final ReadinessWait readiness;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private volatile boolean reconciled;
    private final PendingRecoveries recoveries = new PendingRecoveries();
    private volatile boolean closed;
    private long lastRevision;

    /**
     * A driver for host {@code hostId} on the engine {@code docker} talks to; the caller keeps
     * owning (and closes) the client. Reconciles from the engine's containers at once, or at the
     * first command when the engine does not answer yet.
     *
     * @param hostAddress where the engine's host-network containers are reached, e.g. 127.0.0.1
     */
    public DockerDriver(String hostId, DockerClient docker, String hostAddress, DockerSettings settings,
                        Duration startDeadline) {
        this(hostId, docker, false, hostAddress, settings, startDeadline);
    }

    private DockerDriver(String hostId, DockerClient docker, boolean ownsClient, String hostAddress,
                         DockerSettings settings, Duration startDeadline) {
        this.hostId = hostId;
        this.docker = docker;
        this.ownsClient = ownsClient;
        this.hostAddress = hostAddress;
        this.settings = settings;
        this.errors = new EngineErrors(hostId);
        this.containers = new Containers(docker, hostId, settings, errors);
        this.images = new Images(docker, hostId, settings.pullPolicy(), errors);
        this.ports = EngineFreePorts.forEngine(docker, errors, hostAddress, settings.remotePorts());
        this.readiness = new ReadinessWait(startDeadline, READY_POLL);
        try {
            synchronized (this) {
                reconcile();
            }
        } catch (DriverException e) {
            LOG.warn("Cannot reconcile {} yet, will retry at its first command: {}", hostId, e.getMessage());
        }
    }

    /** A driver with its own client for {@code hostId}'s endpoint in {@code settings}; closing it closes the client. */
    public static DockerDriver connect(String hostId, DockerSettings settings, Duration startDeadline) {
        String endpoint = settings.endpoints().get(hostId);
        if (endpoint == null) {
            throw new IllegalArgumentException("no Docker endpoint for " + hostId + " in KANARY_DOCKER_HOSTS "
                    + settings.endpoints());
        }
        return new DockerDriver(hostId, settings.client(endpoint), true, DockerSettings.hostAddress(endpoint), settings,
                startDeadline);
    }

    /** The service's running container and the one to roll back to. */
    private static final class Slot {
        volatile Revision current;
        volatile Revision previous;
    }

    @Override
    public String hostId() {
        return hostId;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** The container id of the service's running container, if one runs. */
    public Optional<String> currentContainerId(String service) {
        return slotRevision(service, false).map(Revision::containerId);
    }

    /** The container id of the kept container a rollback would start, if one exists. */
    public Optional<String> previousContainerId(String service) {
        return slotRevision(service, true).map(Revision::containerId);
    }

    /** The version a rollback would bring back, if any. */
    public Optional<String> previousVersion(String service) {
        return slotRevision(service, true).map(Revision::version);
    }

    @Override
    public synchronized Instance deploy(String service, String version, RunSpec run, DeployContext context)
            throws DriverException {
        checkOpen();
        ensureReconciled();
        if (run.image() == null || run.image().isBlank()) {
            throw new DriverException("the run spec of " + service + " " + version + " names no image; the docker driver "
                    + "runs images");
        }
        images.ensure(run.image());
        Slot slot = slot(service);
        Revision replaced = slot.current;
        // Redeploying the running version must not make it its own rollback target.
        Revision keep = replaced != null && !replaced.version().equals(version) ? replaced : slot.previous;
        DeployContext ctx = context == null ? DeployContext.NONE : context;
        Revision fresh = createAndStart(Revision.planned(service, version, run, ctx.deploymentId(), ctx.commandId()),
                keep);
        slot.current = fresh;
        if (replaced != null) {
            slot.previous = keep;
            try {
                containers.stopGracefully(replaced);
            } catch (DriverException e) {
                throw new DriverException("started " + fresh.instanceId(hostId) + " but could not stop "
                        + replaced.instanceId(hostId) + ": " + e.getMessage(), e);
            }
            if (keep != replaced) {
                containers.discard(replaced);
            }
        }
        prune(service);
        return instance(fresh);
    }

    @Override
    public synchronized Optional<RunningInstance> rollback(String service) throws DriverException {
        checkOpen();
        ensureReconciled();
        Slot slot = slot(service);
        Revision current = slot.current;
        if (current != null) {
            containers.stopGracefully(current);
            slot.current = null;
        }
        Revision previous = slot.previous;
        if (previous == null) {
            return Optional.empty();
        }
        Revision back;
        try {
            back = bringBack(previous);
        } catch (DriverException e) {
            String stopped = current == null ? "nothing was running" : "stopped " + current.version();
            throw new DriverException(stopped + " but could not start " + previous.version() + " again: "
                    + e.getMessage(), e);
        }
        slot.current = back;
        slot.previous = null;
        prune(service);
        return Optional.of(running(back));
    }

    @Override
    public synchronized Optional<RunningInstance> stop(String service) throws DriverException {
        ensureReconciled();
        Slot slot = slots.get(service);
        Revision current = slot == null ? null : slot.current;
        if (current == null) {
            return Optional.empty();
        }
        containers.stopGracefully(current);
        slot.current = null;
        return Optional.of(running(current));
    }

    @Override
    public Optional<RunningInstance> current(String service) {
        if (!reconciled && !closed) {
            synchronized (this) {
                try {
                    ensureReconciled();
                } catch (DriverException e) {
                    LOG.warn("Cannot reconcile {}: {}", hostId, e.getMessage());
                }
            }
        }
        return slotRevision(service, false).map(this::running);
    }

    @Override
    public synchronized List<Recovery> recoveries() {
        return recoveries.drain();
    }

    /** The command whose deploy created the current container, from its {@code kanary.command} label. */
    @Override
    public Optional<String> commandOf(String service) {
        return slotRevision(service, false).map(Revision::commandId);
    }

    /**
     * Stops taking calls. Containers keep running (the engine's restart policy looks after them and
     * the next driver reconciles from their labels) unless {@link DockerSettings#stopOnClose()}.
     */
    @Override
    public void close() {
        closed = true;
        if (settings.stopOnClose()) {
            for (Slot slot : slots.values()) {
                Revision current = slot.current;
                if (current != null) {
                    try {
                        containers.stopGracefully(current);
                    } catch (DriverException e) {
                        LOG.warn("Cannot stop {} on close: {}", current.instanceId(hostId), e.getMessage());
                    }
                }
            }
        }
        if (ownsClient) {
            try {
                docker.close();
            } catch (IOException e) {
                LOG.debug("Closing the Docker client of {}: {}", hostId, e.getMessage());
            }
        }
    }

    // --- reconciliation ---------------------------------------------------------------------

    private void ensureReconciled() throws DriverException {
        if (!reconciled) {
            reconcile();
        }
    }

    /** Rebuilds what runs from the containers' labels, and stops a second running copy of a service. */
    private void reconcile() throws DriverException {
        Reconciliation found = Reconciliation.of(hostId, containers.ofHost(), containers::recordedPrevious);
        lastRevision = Math.max(lastRevision, found.lastRevision());
        slots.clear();
        for (Map.Entry<String, Reconciliation.ServiceState> entry : found.services().entrySet()) {
            Reconciliation.ServiceState state = entry.getValue();
            Slot slot = slot(entry.getKey());
            slot.current = state.current();
            for (Revision extra : state.extras()) {
                LOG.warn("{} runs a second copy of {}: {}; stopping it", hostId, entry.getKey(), extra.instanceId(hostId));
                containers.stopGracefully(extra);
                // An executor killed between starting a new version and stopping the old one: the
                // old one's stop is reported under the command that started it.
                recoveries.add(new Recovery(Recovery.Kind.EXITED, extra.commandId(), extra.deploymentId(),
                        extra.service(), extra.version(), running(extra), null, null));
            }
            slot.previous = state.previous();
            LOG.info("Reconciled {} on {}: current {}, previous {}", entry.getKey(), hostId,
                    state.current() == null ? "none" : state.current().version(),
                    state.previous() == null ? "none" : state.previous().version());
        }
        reconciled = true;
    }

    // --- containers ---------------------------------------------------------------------------

    /**
     * Creates a container for {@code planned} on a port free on the engine's host, starts it and waits
     * for its port; one that does not come up is removed, not kept. {@code replaces} is recorded for rollback.
     */
    private Revision createAndStart(Revision planned, Revision replaces) throws DriverException {
        long revision = lastRevision = Math.max(lastRevision + 1, System.currentTimeMillis());
        Revision created = containers.create(planned, replaces, ports.pick(keptPorts()), revision);
        try {
            containers.start(created);
            awaitReady(created);
            return created;
        } catch (DriverException e) {
            containers.discard(created);
            throw e;
        }
    }

    /** Starts the kept container again; creates it from its spec when it is gone or will not come up. */
    private Revision bringBack(Revision previous) throws DriverException {
        if (previous.containerId() != null) {
            try {
                containers.start(previous);
                awaitReady(previous);
                LOG.info("Started the kept {} again", previous.instanceId(hostId));
                return previous;
            } catch (DriverException e) {
                if (e.getCause() instanceof NotFoundException) {
                    LOG.warn("The kept container of {} is gone; creating it again from its spec",
                            previous.instanceId(hostId));
                } else if (e.getCause() == null || e.getCause() instanceof DockerException) {
                    LOG.warn("The kept {} did not come back ({}); creating it again from its spec",
                            previous.instanceId(hostId), e.getMessage());
                    containers.discard(previous);
                } else {
                    throw e;
                }
            }
        }
        images.ensure(previous.run().image());
        return createAndStart(previous, null);
    }

    private void awaitReady(Revision revision) throws DriverException {
        String where = hostAddress + ":" + revision.port();
        readiness.await(revision.instanceId(hostId), new InetSocketAddress(hostAddress, revision.port()), where,
                new ContainerStartWatch(docker, errors, hostId, revision, where, () -> closed));
    }

    private void prune(String service) {
        Slot slot = slot(service);
        Set<String> keep = Stream.of(slot.current, slot.previous)
                .filter(r -> r != null && r.containerId() != null)
                .map(Revision::containerId)
                .collect(Collectors.toCollection(HashSet::new));
        containers.prune(service, keep);
    }

    /** The ports of the containers this driver may start again, which no new container may take. */
    private Set<Integer> keptPorts() {
        return slots.values().stream()
                .flatMap(slot -> Stream.of(slot.current, slot.previous))
                .filter(Objects::nonNull)
                .map(Revision::port)
                .collect(Collectors.toSet());
    }

    // --- helpers ------------------------------------------------------------------------------

    private void checkOpen() throws DriverException {
        if (closed) {
            throw new DriverException("the docker driver of " + hostId + " is closed");
        }
    }

    private Slot slot(String service) {
        return slots.computeIfAbsent(service, s -> new Slot());
    }

    private Optional<Revision> slotRevision(String service, boolean previous) {
        Slot slot = slots.get(service);
        return slot == null ? Optional.empty() : Optional.ofNullable(previous ? slot.previous : slot.current);
    }

    private Instance instance(Revision revision) {
        String address = "http://" + hostAddress + ":" + revision.port();
        String path = revision.run().healthPath().startsWith("/") ? revision.run().healthPath()
                : "/" + revision.run().healthPath();
        return new Instance(revision.instanceId(hostId), address, address + path);
    }

    private RunningInstance running(Revision revision) {
        return new RunningInstance(revision.service(), revision.version(), instance(revision));
    }
}
