package io.kanary.executor.driver.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.dockerjava.api.model.Container;
import io.kanary.executor.driver.DriverException;
import io.kanary.kafka.Json;
import io.kanary.schema.RunSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the docker driver knows is on its containers' labels, so a new driver reconciles
 * from the engine alone: which host, service and version a container runs, for which deployment
 * and command, on which port, in which order, from which run spec, and what it replaced.
 */
public final class ContainerLabels {
    public static final String HOST = "kanary.host";
    public static final String SERVICE = "kanary.service";
    public static final String VERSION = "kanary.version";
    public static final String DEPLOYMENT = "kanary.deployment";
    public static final String COMMAND = "kanary.command";
    public static final String PORT = "kanary.port";
    /** Orders a service's containers: creation times in seconds are too coarse. */
    public static final String REVISION = "kanary.revision";
    /** The run spec as JSON, so the container can be created again. */
    public static final String SPEC = "kanary.spec";
    /** What this container replaced (version, spec), so a rollback works even once that container is gone. */
    public static final String PREVIOUS = "kanary.previous";

    /** What {@link #PREVIOUS} holds; its JSON is read back by later executors, so its fields stay. */
    record Recorded(String version, String deploymentId, String commandId, RunSpec run) {
    }

    private ContainerLabels() {
    }

    /** The labels of a new container for {@code created}, which replaces {@code replaces} (null: nothing). */
    public static Map<String, String> of(String hostId, Revision created, Revision replaces) throws DriverException {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(HOST, hostId);
        labels.put(SERVICE, created.service());
        labels.put(VERSION, created.version());
        if (created.deploymentId() != null) {
            labels.put(DEPLOYMENT, created.deploymentId());
        }
        if (created.commandId() != null) {
            labels.put(COMMAND, created.commandId());
        }
        labels.put(PORT, Integer.toString(created.port()));
        labels.put(REVISION, Long.toString(created.revision()));
        try {
            labels.put(SPEC, Json.mapper().writeValueAsString(created.run()));
            if (replaces != null) {
                labels.put(PREVIOUS, Json.mapper().writeValueAsString(new Recorded(replaces.version(),
                        replaces.deploymentId(), replaces.commandId(), replaces.run())));
            }
        } catch (JsonProcessingException e) {
            throw new DriverException("cannot record the run spec of " + created.service() + " " + created.version()
                    + ": " + e.getMessage(), e);
        }
        return labels;
    }

    /** The revision a container's labels describe; empty when they are incomplete or unreadable. */
    public static Optional<Revision> read(String containerId, Map<String, String> labels) {
        try {
            String service = labels.get(SERVICE);
            String version = labels.get(VERSION);
            String spec = labels.get(SPEC);
            if (service == null || version == null || spec == null) {
                return Optional.empty();
            }
            return Optional.of(new Revision(containerId, service, version, Json.mapper().readValue(spec, RunSpec.class),
                    labels.get(DEPLOYMENT), labels.get(COMMAND),
                    Integer.parseInt(labels.getOrDefault(PORT, "0")),
                    Long.parseLong(labels.getOrDefault(REVISION, "0"))));
        } catch (JsonProcessingException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * What {@code current}'s container recorded it replaced, as a revision without a container.
     *
     * @throws JsonProcessingException when the label is not the JSON kanary writes
     */
    public static Optional<Revision> previous(Revision current, Map<String, String> labels)
            throws JsonProcessingException {
        String json = labels == null ? null : labels.get(PREVIOUS);
        if (json == null) {
            return Optional.empty();
        }
        Recorded recorded = Json.mapper().readValue(json, Recorded.class);
        return Optional.of(Revision.planned(current.service(), recorded.version(), recorded.run(),
                recorded.deploymentId(), recorded.commandId()));
    }

    /** The container's place in its service's order; 0 when unlabelled. */
    public static long revision(Container container) {
        try {
            return Long.parseLong(container.getLabels().getOrDefault(REVISION, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The port a container's labels promise it, if any. */
    public static Optional<Integer> port(Map<String, String> labels) {
        try {
            return labels == null || labels.get(PORT) == null ? Optional.empty()
                    : Optional.of(Integer.parseInt(labels.get(PORT)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
