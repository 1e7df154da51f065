package io.kanary.executor.driver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Json;
import io.kanary.schema.Instance;
import io.kanary.schema.RunSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each version of a service as a container on one Docker engine, through docker-java.
 *
 * <p>Every container uses the host network and gets its own free port as env {@code PORT} (and in
 * place of {@code {port}} in the run spec's command), so several versions can run side by side.
 * A deploy creates and starts the new container, waits until its port accepts connections, then
 * stops the one it replaces gracefully and <em>keeps</em> it: a rollback stops the new container
 * and starts the kept one again (warm: no pull, no create). A kept container that was removed is
 * created again from the spec recorded in its labels.
 *
 * <p>Everything the driver needs to know is on the containers' labels ({@link #LABEL_SERVICE},
 * {@link #LABEL_VERSION}, {@link #LABEL_DEPLOYMENT}, {@link #LABEL_COMMAND}, {@link #LABEL_PORT},
 * and its own {@code kanary.host}, {@code kanary.revision}, {@code kanary.spec},
 * {@code kanary.previous}), so a new driver reconciles from them: the running container of a
 * service is its current one, the newest stopped one before it is the one to roll back to.
 *
 * <p>Every call to the engine is bounded (the client's connect and response timeouts); every
 * engine error becomes a {@link DriverException} that carries the daemon's message.
 */
public final class DockerDriver implements HostDriver {
    public static final String KIND = "docker";
    public static final String LABEL_HOST = "kanary.host";
    public static final String LABEL_SERVICE = "kanary.service";
    public static final String LABEL_VERSION = "kanary.version";
    public static final String LABEL_DEPLOYMENT = "kanary.deployment";
    public static final String LABEL_COMMAND = "kanary.command";
    public static final String LABEL_PORT = "kanary.port";
    /** Orders a service's containers: creation times in seconds are too coarse. */
    public static final String LABEL_REVISION = "kanary.revision";
    /** The run spec as JSON, so the container can be created again. */
    public static final String LABEL_SPEC = "kanary.spec";
    /** What this container replaced (version, spec), so a rollback works even once that container is gone. */
    public static final String LABEL_PREVIOUS = "kanary.previous";
    static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);

    // A loopback connect costs microseconds: poll often, since every poll interval is added to a rollback.
    private static final Duration READY_POLL = Duration.ofMillis(10);
    private static final int STATE_CHECK_EVERY = 20;
    private static final int CONNECT_TIMEOUT_MS = 250;
    private static final int LOG_TAIL_LINES = 15;
    private static final Duration LOG_WAIT = Duration.ofSeconds(5);
    /** Room left under the client's response timeout for the engine to answer after a stop's grace. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(5);
    private static final Pattern DAEMON_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Logger LOG = LoggerFactory.getLogger(DockerDriver.class);

    private final String hostId;
    private final DockerClient docker;
    private final boolean ownsClient;
    private final String hostAddress;
    private final DockerSettings settings;
    private final Duration startDeadline;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private volatile boolean reconciled;
    private final List<Recovery> recoveries = new ArrayList<>();
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
        this.startDeadline = startDeadline;
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

    /**
     * One container of a service, or (containerId null) the spec to create it again.
     */
    record Revision(String containerId, String service, String version, RunSpec run, String deploymentId,
                    String commandId, int port, long revision) {
        Revision withContainer(String id, int newPort, long newRevision) {
            return new Revision(id, service, version, run, deploymentId, commandId, newPort, newRevision);
        }
    }

    /** What {@link #LABEL_PREVIOUS} holds. */
    record Recorded(String version, String deploymentId, String commandId, RunSpec run) {
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
        Slot slot = slots.get(service);
        Revision current = slot == null ? null : slot.current;
        return current == null ? Optional.empty() : Optional.ofNullable(current.containerId());
    }

    /** The container id of the kept container a rollback would start, if one exists. */
    public Optional<String> previousContainerId(String service) {
        Slot slot = slots.get(service);
        Revision previous = slot == null ? null : slot.previous;
        return previous == null ? Optional.empty() : Optional.ofNullable(previous.containerId());
    }

    /** The version a rollback would bring back, if any. */
    public Optional<String> previousVersion(String service) {
        Slot slot = slots.get(service);
        Revision previous = slot == null ? null : slot.previous;
        return previous == null ? Optional.empty() : Optional.of(previous.version());
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
        ensureImage(run.image());
        Slot slot = slot(service);
        Revision replaced = slot.current;
        // Redeploying the running version must not make it its own rollback target.
        Revision keep = replaced != null && !replaced.version().equals(version) ? replaced : slot.previous;
        DeployContext ctx = context == null ? DeployContext.NONE : context;
        Revision fresh = startOrDiscard(create(new Revision(null, service, version, run, ctx.deploymentId(),
                ctx.commandId(), 0, 0), keep));
        slot.current = fresh;
        if (replaced != null) {
            slot.previous = keep;
            try {
                stopGracefully(replaced);
            } catch (DriverException e) {
                throw new DriverException("started " + instanceId(fresh) + " but could not stop " + instanceId(replaced)
                        + ": " + e.getMessage(), e);
            }
            if (keep != replaced) {
                discard(replaced);
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
            stopGracefully(current);
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
        stopGracefully(current);
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
        Slot slot = slots.get(service);
        Revision current = slot == null ? null : slot.current;
        return current == null ? Optional.empty() : Optional.of(running(current));
    }

    @Override
    public synchronized List<Recovery> recoveries() {
        List<Recovery> found = List.copyOf(recoveries);
        recoveries.clear();
        return found;
    }

    /** The command whose deploy created the current container, from its {@code kanary.command} label. */
    @Override
    public Optional<String> commandOf(String service) {
        Slot slot = slots.get(service);
        Revision current = slot == null ? null : slot.current;
        return current == null ? Optional.empty() : Optional.ofNullable(current.commandId());
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
                        stopGracefully(current);
                    } catch (DriverException e) {
                        LOG.warn("Cannot stop {} on close: {}", instanceId(current), e.getMessage());
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

    /**
     * Rebuilds what runs from the containers' labels: per service, the newest running container is
     * current (any other running copy is stopped), the newest stopped one created before it with
     * another version is the one to roll back to, else the spec recorded on the current one.
     */
    private void reconcile() throws DriverException {
        List<Container> containers = call("list the containers of " + hostId, () -> docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(LABEL_HOST, hostId))
                .exec());
        Map<String, List<Revision>> byService = new LinkedHashMap<>();
        Map<String, String> states = new ConcurrentHashMap<>();
        for (Container container : containers) {
            Optional<Revision> revision = revisionOf(container.getId(), container.getLabels());
            if (revision.isEmpty()) {
                LOG.warn("Ignoring container {} on {}: its kanary labels are incomplete", container.getId(), hostId);
                continue;
            }
            states.put(container.getId(), String.valueOf(container.getState()));
            byService.computeIfAbsent(revision.get().service(), s -> new ArrayList<>()).add(revision.get());
            lastRevision = Math.max(lastRevision, revision.get().revision());
        }
        slots.clear();
        for (Map.Entry<String, List<Revision>> entry : byService.entrySet()) {
            List<Revision> newestFirst = entry.getValue().stream()
                    .sorted(Comparator.comparingLong(Revision::revision).reversed())
                    .toList();
            List<Revision> running = newestFirst.stream()
                    .filter(r -> isUp(states.get(r.containerId())))
                    .toList();
            Slot slot = slot(entry.getKey());
            slot.current = running.isEmpty() ? null : running.get(0);
            for (Revision extra : running.subList(Math.min(1, running.size()), running.size())) {
                LOG.warn("{} runs a second copy of {}: {}; stopping it", hostId, entry.getKey(), instanceId(extra));
                stopGracefully(extra);
                // An executor killed between starting a new version and stopping the old one: the
                // old one's stop is reported under the command that started it.
                recoveries.add(new Recovery(Recovery.Kind.EXITED, extra.commandId(), extra.deploymentId(),
                        extra.service(), extra.version(), running(extra), null, null));
            }
            Revision current = slot.current;
            slot.previous = newestFirst.stream()
                    .filter(r -> r != current && !isUp(states.get(r.containerId()))
                            && !"created".equals(states.get(r.containerId())))
                    .filter(r -> current == null
                            || (r.revision() < current.revision() && !r.version().equals(current.version())))
                    .findFirst()
                    .orElse(current == null ? null : recordedPrevious(current));
            LOG.info("Reconciled {} on {}: current {}, previous {}", entry.getKey(), hostId,
                    current == null ? "none" : current.version(),
                    slot.previous == null ? "none" : slot.previous.version());
        }
        reconciled = true;
    }

    private static boolean isUp(String state) {
        return "running".equals(state) || "restarting".equals(state) || "paused".equals(state);
    }

    /** The spec a container recorded of the version it replaced, as a revision without a container. */
    private Revision recordedPrevious(Revision current) {
        try {
            InspectContainerResponse inspected = docker.inspectContainerCmd(current.containerId()).exec();
            String json = inspected.getConfig().getLabels().get(LABEL_PREVIOUS);
            if (json == null) {
                return null;
            }
            Recorded recorded = Json.mapper().readValue(json, Recorded.class);
            return new Revision(null, current.service(), recorded.version(), recorded.run(), recorded.deploymentId(),
                    recorded.commandId(), 0, 0);
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.warn("Cannot read what {} replaced: {}", instanceId(current), e.getMessage());
            return null;
        }
    }

    private Optional<Revision> revisionOf(String containerId, Map<String, String> labels) {
        try {
            String service = labels.get(LABEL_SERVICE);
            String version = labels.get(LABEL_VERSION);
            String spec = labels.get(LABEL_SPEC);
            if (service == null || version == null || spec == null) {
                return Optional.empty();
            }
            return Optional.of(new Revision(containerId, service, version, Json.mapper().readValue(spec, RunSpec.class),
                    labels.get(LABEL_DEPLOYMENT), labels.get(LABEL_COMMAND),
                    Integer.parseInt(labels.getOrDefault(LABEL_PORT, "0")),
                    Long.parseLong(labels.getOrDefault(LABEL_REVISION, "0"))));
        } catch (JsonProcessingException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    // --- containers ---------------------------------------------------------------------------

    /** Creates a container for {@code spec} on a fresh port; {@code replaces} is recorded for rollback. */
    private Revision create(Revision spec, Revision replaces) throws DriverException {
        int port = freePort();
        long revision = lastRevision = Math.max(lastRevision + 1, System.currentTimeMillis());
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_HOST, hostId);
        labels.put(LABEL_SERVICE, spec.service());
        labels.put(LABEL_VERSION, spec.version());
        if (spec.deploymentId() != null) {
            labels.put(LABEL_DEPLOYMENT, spec.deploymentId());
        }
        if (spec.commandId() != null) {
            labels.put(LABEL_COMMAND, spec.commandId());
        }
        labels.put(LABEL_PORT, Integer.toString(port));
        labels.put(LABEL_REVISION, Long.toString(revision));
        try {
            labels.put(LABEL_SPEC, Json.mapper().writeValueAsString(spec.run()));
            if (replaces != null) {
                labels.put(LABEL_PREVIOUS, Json.mapper().writeValueAsString(new Recorded(replaces.version(),
                        replaces.deploymentId(), replaces.commandId(), replaces.run())));
            }
        } catch (JsonProcessingException e) {
            throw new DriverException("cannot record the run spec of " + spec.service() + " " + spec.version() + ": "
                    + e.getMessage(), e);
        }
        List<String> env = new ArrayList<>();
        spec.run().env().forEach((key, value) -> env.add(key + "=" + value));
        env.add("PORT=" + port);
        String name = "kanary-" + nameSafe(hostId) + "-" + nameSafe(spec.service()) + "-" + nameSafe(spec.version())
                + "-" + Ids.newId().substring(0, 8);
        String containerId = call("create the container of " + spec.service() + " " + spec.version()
                + " from image " + spec.run().image(), () -> {
            CreateContainerCmd cmd = docker.createContainerCmd(spec.run().image())
                    .withName(name)
                    .withLabels(labels)
                    .withEnv(env)
                    .withHostConfig(hostConfig(spec.run()));
            if (!spec.run().command().isEmpty()) {
                cmd.withCmd(spec.run().command().stream()
                        .map(arg -> arg.replace(ProcessDriver.PORT_PLACEHOLDER, Integer.toString(port)))
                        .toList());
            }
            return cmd.exec().getId();
        });
        Revision created = spec.withContainer(containerId, port, revision);
        LOG.info("Created {} ({}) on port {}", instanceId(created), name, port);
        return created;
    }

    /** Host network (each instance has its own port), the spec's restart policy and resource limits. */
    static HostConfig hostConfig(RunSpec run) {
        HostConfig config = HostConfig.newHostConfig()
                .withNetworkMode("host")
                .withRestartPolicy(RestartPolicy.parse(run.restartPolicy()));
        if (run.memoryMb() != null) {
            config.withMemory(run.memoryMb() * 1024 * 1024);
        }
        if (run.cpus() != null) {
            config.withNanoCPUs(Math.round(run.cpus() * 1e9));
        }
        return config;
    }

    private void start(Revision revision) throws DriverException {
        try {
            call("start " + instanceId(revision), () -> docker.startContainerCmd(revision.containerId()).exec());
        } catch (DriverException e) {
            if (!(e.getCause() instanceof NotModifiedException)) {
                throw e;
            }
            // Already running: nothing to do.
        }
    }

    /** Starts the kept container again; creates it from its spec when it is gone or will not come up. */
    private Revision bringBack(Revision previous) throws DriverException {
        if (previous.containerId() != null) {
            try {
                docker.startContainerCmd(previous.containerId()).exec();
                awaitReady(previous);
                LOG.info("Started the kept {} again", instanceId(previous));
                return previous;
            } catch (NotModifiedException e) {
                awaitReady(previous);
                return previous;
            } catch (NotFoundException e) {
                LOG.warn("The kept container of {} is gone; creating it again from its spec", instanceId(previous));
            } catch (DriverException | DockerException e) {
                LOG.warn("The kept {} did not come back ({}); creating it again from its spec", instanceId(previous),
                        e instanceof DockerException d ? daemonMessage(d) : e.getMessage());
                discard(previous);
            } catch (RuntimeException e) {
                throw new DriverException("cannot start " + instanceId(previous) + ": cannot reach the Docker engine of "
                        + hostId + ": " + rootMessage(e), e);
            }
        }
        ensureImage(previous.run().image());
        return startOrDiscard(create(previous, null));
    }

    /**
     * Waits until the container's port accepts connections, failing early when the container
     * exits (with its exit code, out-of-memory kill and last log lines) or the deadline passes.
     */
    /** Starts a created container and waits for its port; one that does not come up is removed, not kept. */
    private Revision startOrDiscard(Revision created) throws DriverException {
        try {
            start(created);
            awaitReady(created);
            return created;
        } catch (DriverException e) {
            discard(created);
            throw e;
        }
    }

    private void awaitReady(Revision revision) throws DriverException {
        String instanceId = instanceId(revision);
        long deadline = System.nanoTime() + startDeadline.toNanos();
        for (int attempt = 0; ; attempt++) {
            if (closed) {
                throw new DriverException("the docker driver of " + hostId + " closed while " + instanceId + " was starting");
            }
            if (acceptsConnections(revision.port())) {
                return;
            }
            if (attempt % STATE_CHECK_EVERY == 0) {
                InspectContainerResponse inspected = call("inspect " + instanceId,
                        () -> docker.inspectContainerCmd(revision.containerId()).exec());
                InspectContainerResponse.ContainerState state = inspected.getState();
                if (!Boolean.TRUE.equals(state.getRunning()) || Boolean.TRUE.equals(state.getRestarting())) {
                    throw new DriverException(instanceId + " " + exitReason(state) + " before accepting connections on "
                            + hostAddress + ":" + revision.port() + logTail(revision.containerId()));
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new DriverException(instanceId + " did not accept connections on " + hostAddress + ":"
                        + revision.port() + " within " + startDeadline.toMillis() + " ms" + logTail(revision.containerId()));
            }
            try {
                Thread.sleep(READY_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException("interrupted while " + instanceId + " was starting", e);
            }
        }
    }

    private static String exitReason(InspectContainerResponse.ContainerState state) {
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

    /** Graceful stop within the run spec's grace period; a container already stopped or gone is fine. */
    private void stopGracefully(Revision revision) throws DriverException {
        if (revision.containerId() == null) {
            return;
        }
        long graceSeconds = TimeUnit.MILLISECONDS.toSeconds(revision.run().stopGraceMs() + 999);
        long bound = Math.max(0, settings.callTimeout().minus(STOP_MARGIN).toSeconds());
        int timeout = (int) Math.min(graceSeconds, bound);
        try {
            docker.stopContainerCmd(revision.containerId()).withTimeout(timeout).exec();
            LOG.info("Stopped {}", instanceId(revision));
        } catch (NotModifiedException | NotFoundException e) {
            LOG.debug("{} was already stopped or gone", instanceId(revision));
        } catch (DockerException e) {
            throw new DriverException("cannot stop " + instanceId(revision) + ": " + daemonMessage(e), e);
        } catch (RuntimeException e) {
            throw new DriverException("cannot stop " + instanceId(revision) + ": cannot reach the Docker engine of "
                    + hostId + ": " + rootMessage(e), e);
        }
    }

    /** Removes a container kanary no longer needs; best effort, a leftover is pruned later. */
    private void discard(Revision revision) {
        if (revision.containerId() == null) {
            return;
        }
        try {
            docker.removeContainerCmd(revision.containerId()).withForce(true).exec();
            LOG.info("Removed {}", instanceId(revision));
        } catch (NotFoundException e) {
            // Already gone.
        } catch (RuntimeException e) {
            LOG.warn("Cannot remove {}: {}", instanceId(revision), e.getMessage());
        }
    }

    /**
     * Keeps the running container, the one to roll back to and the newest others up to
     * {@link DockerSettings#keepRevisions()}; removes the older stopped ones. Best effort.
     */
    private void prune(String service) {
        Slot slot = slot(service);
        Set<String> keep = new HashSet<>();
        for (Revision r : new Revision[] {slot.current, slot.previous}) {
            if (r != null && r.containerId() != null) {
                keep.add(r.containerId());
            }
        }
        try {
            List<Container> containers = docker.listContainersCmd()
                    .withShowAll(true)
                    .withLabelFilter(Map.of(LABEL_HOST, hostId, LABEL_SERVICE, service))
                    .exec();
            List<Container> newestFirst = containers.stream()
                    .sorted(Comparator.comparingLong((Container c) -> revisionLabel(c)).reversed())
                    .toList();
            for (Container container : newestFirst) {
                if (keep.contains(container.getId())) {
                    continue;
                }
                if (keep.size() < settings.keepRevisions() && !isUp(container.getState())) {
                    keep.add(container.getId());
                    continue;
                }
                if (isUp(container.getState())) {
                    continue;
                }
                docker.removeContainerCmd(container.getId()).exec();
                LOG.info("Removed {} {} of {} on {}: only {} revisions are kept", container.getId().substring(0, 12),
                        container.getLabels().get(LABEL_VERSION), service, hostId, settings.keepRevisions());
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot prune the old containers of {} on {}: {}", service, hostId, e.getMessage());
        }
    }

    private static long revisionLabel(Container container) {
        try {
            return Long.parseLong(container.getLabels().getOrDefault(LABEL_REVISION, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // --- images -------------------------------------------------------------------------------

    private void ensureImage(String image) throws DriverException {
        PullPolicy policy = settings.pullPolicy();
        if (policy == PullPolicy.ALWAYS) {
            pull(image);
            return;
        }
        boolean present;
        try {
            docker.inspectImageCmd(image).exec();
            present = true;
        } catch (NotFoundException e) {
            present = false;
        } catch (DockerException e) {
            throw new DriverException("cannot look up image " + image + " on " + hostId + ": " + daemonMessage(e), e);
        } catch (RuntimeException e) {
            throw new DriverException("cannot look up image " + image + ": cannot reach the Docker engine of " + hostId
                    + ": " + rootMessage(e), e);
        }
        if (present) {
            return;
        }
        if (policy == PullPolicy.NEVER) {
            throw new DriverException("image " + image + " is not on " + hostId + " and the pull policy is never: "
                    + "build or load it on that engine first");
        }
        pull(image);
    }

    private void pull(String image) throws DriverException {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        boolean tagged = colon > slash && !image.contains("@");
        String repository = tagged ? image.substring(0, colon) : image;
        String tag = tagged ? image.substring(colon + 1) : image.contains("@") ? null : "latest";
        LOG.info("Pulling image {} on {}", image, hostId);
        try {
            var cmd = docker.pullImageCmd(repository);
            if (tag != null) {
                cmd.withTag(tag);
            }
            if (!cmd.start().awaitCompletion(PULL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new DriverException("pulling image " + image + " on " + hostId + " did not finish within "
                        + PULL_TIMEOUT.toMinutes() + " min");
            }
        } catch (DockerException e) {
            throw new DriverException("cannot pull image " + image + " on " + hostId + ": " + daemonMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException("interrupted while pulling image " + image + " on " + hostId, e);
        } catch (RuntimeException e) {
            throw new DriverException("cannot pull image " + image + " on " + hostId + ": " + rootMessage(e), e);
        }
    }

    // --- helpers ------------------------------------------------------------------------------

    /** Runs one engine call, turning every failure into a DriverException with the daemon's message. */
    private <T> T call(String what, Supplier<T> action) throws DriverException {
        try {
            return action.get();
        } catch (DockerException e) {
            throw new DriverException("cannot " + what + " on " + hostId + ": " + daemonMessage(e), e);
        } catch (RuntimeException e) {
            throw new DriverException("cannot " + what + ": cannot reach the Docker engine of " + hostId + ": "
                    + rootMessage(e), e);
        }
    }

    private void checkOpen() throws DriverException {
        if (closed) {
            throw new DriverException("the docker driver of " + hostId + " is closed");
        }
    }

    private Slot slot(String service) {
        return slots.computeIfAbsent(service, s -> new Slot());
    }

    private Instance instance(Revision revision) {
        String address = "http://" + hostAddress + ":" + revision.port();
        String path = revision.run().healthPath().startsWith("/") ? revision.run().healthPath()
                : "/" + revision.run().healthPath();
        return new Instance(instanceId(revision), address, address + path);
    }

    private RunningInstance running(Revision revision) {
        return new RunningInstance(revision.service(), revision.version(), instance(revision));
    }

    private String instanceId(Revision revision) {
        String container = revision.containerId() == null ? "(no container)"
                : revision.containerId().substring(0, Math.min(12, revision.containerId().length()));
        return hostId + "/" + revision.service() + "/" + revision.version() + "/" + container;
    }

    private boolean acceptsConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostAddress, port), CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port free on this machine and not recorded on a container this driver may start again. */
    private int freePort() throws DriverException {
        Set<Integer> taken = slots.values().stream()
                .flatMap(slot -> Stream.of(slot.current, slot.previous))
                .filter(Objects::nonNull)
                .map(Revision::port)
                .collect(Collectors.toSet());
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (!taken.contains(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new DriverException("cannot find a free port: " + e.getMessage(), e);
            }
        }
        throw new DriverException("cannot find a free port that no kept container of " + hostId + " uses");
    }

    private String logTail(String containerId) {
        StringBuffer out = new StringBuffer();
        try {
            boolean done = docker.logContainerCmd(containerId)
                    .withStdOut(true)
                    .withStdErr(true)
                    .withTail(LOG_TAIL_LINES)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    })
                    .awaitCompletion(LOG_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (!done && out.isEmpty()) {
                return "; its log could not be read within " + LOG_WAIT.toSeconds() + " s";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            return "; its log cannot be read: " + rootMessage(e);
        }
        String text = out.toString().strip();
        return text.isEmpty() ? "; its log is empty" : "; last lines of its log:\n" + text;
    }

    /** The daemon's own words: the {@code message} of its JSON error body when there is one. */
    static String daemonMessage(DockerException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        Matcher matcher = DAEMON_MESSAGE.matcher(message);
        if (matcher.find()) {
            return matcher.group(1).replace("\\\"", "\"").replace("\\n", " ").strip();
        }
        return message.strip();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = ExceptionUtils.getRootCause(e);
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : e.getMessage() + " (" + message + ")";
    }

    private static String nameSafe(String text) {
        return text.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
