package io.kanary.executor.driver.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import io.kanary.executor.driver.DockerSettings;
import io.kanary.executor.driver.DriverException;
import io.kanary.executor.driver.ProcessDriver;
import io.kanary.kafka.Ids;
import io.kanary.schema.RunSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers of one host on its engine: creates them (host network, the port as env
 * {@code PORT} and in place of {@code {port}}, labels that let a later driver reconcile), starts,
 * stops and removes them, and prunes old revisions. Every call is bounded by the client's timeouts.
 */
public final class Containers {
    /** Room left under the client's response timeout for the engine to answer after a stop's grace. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(Containers.class);

    private final DockerClient docker;
    private final String hostId;
    private final DockerSettings settings;
    private final EngineErrors errors;

    public Containers(DockerClient docker, String hostId, DockerSettings settings, EngineErrors errors) {
        this.docker = docker;
        this.hostId = hostId;
        this.settings = settings;
        this.errors = errors;
    }

    /** Whether a container in this state holds its port and counts as running. */
    public static boolean isUp(String state) {
        return "running".equals(state) || "restarting".equals(state) || "paused".equals(state);
    }

    /** Every container of this host, running or not. */
    public List<Container> ofHost() throws DriverException {
        return errors.call("list the containers of " + hostId, () -> docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(ContainerLabels.HOST, hostId))
                .exec());
    }

    /** What {@code current}'s container recorded it replaced; empty when nothing or unreadable. */
    public Optional<Revision> recordedPrevious(Revision current) {
        try {
            InspectContainerResponse inspected = docker.inspectContainerCmd(current.containerId()).exec();
            return ContainerLabels.previous(current, inspected.getConfig().getLabels());
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.warn("Cannot read what {} replaced: {}", current.instanceId(hostId), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Creates a container for {@code planned} on {@code port}; {@code replaces} is recorded for rollback.
     *
     * @param revision the new container's place in its service's order
     */
    public Revision create(Revision planned, Revision replaces, int port, long revision) throws DriverException {
        Revision labelled = planned.withContainer(null, port, revision);
        Map<String, String> labels = ContainerLabels.of(hostId, labelled, replaces);
        RunSpec run = planned.run();
        List<String> env = new ArrayList<>();
        run.env().forEach((key, value) -> env.add(key + "=" + value));
        env.add("PORT=" + port);
        String name = "kanary-" + nameSafe(hostId) + "-" + nameSafe(planned.service()) + "-"
                + nameSafe(planned.version()) + "-" + Ids.newId().substring(0, 8);
        String containerId = errors.call("create the container of " + planned.service() + " " + planned.version()
                + " from image " + run.image(), () -> {
            CreateContainerCmd cmd = docker.createContainerCmd(run.image())
                    .withName(name)
                    .withLabels(labels)
                    .withEnv(env)
                    .withHostConfig(hostConfig(run));
            if (!run.command().isEmpty()) {
                cmd.withCmd(run.command().stream()
                        .map(arg -> arg.replace(ProcessDriver.PORT_PLACEHOLDER, Integer.toString(port)))
                        .toList());
            }
            return cmd.exec().getId();
        });
        Revision created = planned.withContainer(containerId, port, revision);
        LOG.info("Created {} ({}) on port {}", created.instanceId(hostId), name, port);
        return created;
    }

    /** Host network (each instance has its own port), the spec's restart policy and resource limits. */
    public static HostConfig hostConfig(RunSpec run) {
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

    /** Starts the container; one already running is fine. */
    public void start(Revision revision) throws DriverException {
        try {
            docker.startContainerCmd(revision.containerId()).exec();
        } catch (NotModifiedException e) {
            // Already running: nothing to do.
        } catch (RuntimeException e) {
            throw errors.failed("start " + revision.instanceId(hostId), e);
        }
    }

    /** Graceful stop within the run spec's grace period; a container already stopped or gone is fine. */
    public void stopGracefully(Revision revision) throws DriverException {
        if (revision.containerId() == null) {
            return;
        }
        long graceSeconds = TimeUnit.MILLISECONDS.toSeconds(revision.run().stopGraceMs() + 999);
        long bound = Math.max(0, settings.callTimeout().minus(STOP_MARGIN).toSeconds());
        int timeout = (int) Math.min(graceSeconds, bound);
        try {
            docker.stopContainerCmd(revision.containerId()).withTimeout(timeout).exec();
            LOG.info("Stopped {}", revision.instanceId(hostId));
        } catch (NotModifiedException | NotFoundException e) {
            LOG.debug("{} was already stopped or gone", revision.instanceId(hostId));
        } catch (RuntimeException e) {
            throw errors.failed("stop " + revision.instanceId(hostId), e);
        }
    }

    /** Removes a container kanary no longer needs; best effort, a leftover is pruned later. */
    public void discard(Revision revision) {
        if (revision.containerId() == null) {
            return;
        }
        try {
            docker.removeContainerCmd(revision.containerId()).withForce(true).exec();
            LOG.info("Removed {}", revision.instanceId(hostId));
        } catch (NotFoundException e) {
            // Already gone.
        } catch (RuntimeException e) {
            LOG.warn("Cannot remove {}: {}", revision.instanceId(hostId), e.getMessage());
        }
    }

    /**
     * Keeps the containers in {@code keep} (the running one, the one to roll back to) and the newest
     * others up to {@link DockerSettings#keepRevisions()}; removes the older stopped ones. Best effort.
     */
    public void prune(String service, Set<String> keep) {
        try {
            List<Container> newestFirst = docker.listContainersCmd()
                    .withShowAll(true)
                    .withLabelFilter(Map.of(ContainerLabels.HOST, hostId, ContainerLabels.SERVICE, service))
                    .exec()
                    .stream()
                    .sorted(Comparator.comparingLong(ContainerLabels::revision).reversed())
                    .toList();
            for (Container container : newestFirst) {
                if (keep.contains(container.getId()) || isUp(container.getState())) {
                    continue;
                }
                if (keep.size() < settings.keepRevisions()) {
                    keep.add(container.getId());
                    continue;
                }
                docker.removeContainerCmd(container.getId()).exec();
                LOG.info("Removed {} {} of {} on {}: only {} revisions are kept", container.getId().substring(0, 12),
                        container.getLabels().get(ContainerLabels.VERSION), service, hostId, settings.keepRevisions());
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot prune the old containers of {} on {}: {}", service, hostId, e.getMessage());
        }
    }

    private static String nameSafe(String text) {
        return text.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
