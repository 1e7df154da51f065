package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;
import java.util.Map;

/**
 * What happened on a host, on host.events keyed by host id. Instance events carry the command
 * id that caused them and the instance's address, which is how the health-watcher finds what to probe.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(HostEvent.Announced.class),
        @JsonSubTypes.Type(HostEvent.Heartbeat.class),
        @JsonSubTypes.Type(HostEvent.Starting.class),
        @JsonSubTypes.Type(HostEvent.Started.class),
        @JsonSubTypes.Type(HostEvent.Stopped.class),
        @JsonSubTypes.Type(HostEvent.CommandFailed.class),
        @JsonSubTypes.Type(HostEvent.RolledBack.class),
        @JsonSubTypes.Type(HostEvent.HookStarted.class),
        @JsonSubTypes.Type(HostEvent.HookFinished.class)})
public sealed interface HostEvent extends KanaryEvent {

    String hostId();

    Instant at();

    /**
     * An executor serves this host and takes commands for it.
     *
     * @param labels what the host says of itself ({@code KANARY_HOST_LABELS}, e.g. env=staging), for requests'
     *               {@code hostSelector}; null when it has none
     */
    @JsonTypeName("host.announced")
    record Announced(String eventId, int schemaVersion, String hostId, String driver, Instant at,
                     Map<String, String> labels) implements HostEvent {
        public Announced(String eventId, int schemaVersion, String hostId, String driver, Instant at) {
            this(eventId, schemaVersion, hostId, driver, at, null);
        }

        @Override
        public String subject() {
            return hostId;
        }
    }

    /**
     * The executor serving this host is alive and taking commands, sent every {@code intervalMs}.
     * A host whose last heartbeat is several intervals old has lost its executor: commands to it
     * cannot be carried out until one comes back.
     */
    @JsonTypeName("host.heartbeat")
    record Heartbeat(String eventId, int schemaVersion, String hostId, String executorId, long intervalMs, Instant at,
                     Map<String, String> labels) implements HostEvent {
        public Heartbeat(String eventId, int schemaVersion, String hostId, String executorId, long intervalMs, Instant at) {
            this(eventId, schemaVersion, hostId, executorId, intervalMs, at, null);
        }

        @Override
        public String subject() {
            return hostId;
        }
    }

    /** Events caused by a host command, about one service's instance on the host. */
    sealed interface InstanceEvent extends HostEvent {
        String commandId();

        String deploymentId();

        String service();

        String version();

        @Override
        default String subject() {
            return deploymentId();
        }
    }

    @JsonTypeName("host.instance.starting")
    record Starting(String eventId, int schemaVersion, String hostId, String commandId, String deploymentId,
                    String service, String version, Instant at) implements InstanceEvent {
    }

    /** The instance is running and listening at {@code instance.address()}. */
    @JsonTypeName("host.instance.started")
    record Started(String eventId, int schemaVersion, String hostId, String commandId, String deploymentId,
                   String service, String version, Instance instance, Instant at) implements InstanceEvent {
    }

    @JsonTypeName("host.instance.stopped")
    record Stopped(String eventId, int schemaVersion, String hostId, String commandId, String deploymentId,
                   String service, String version, String instanceId, Instant at) implements InstanceEvent {
    }

    /** The command could not be carried out; {@code reason} is the driver's own message. */
    @JsonTypeName("host.command.failed")
    record CommandFailed(String eventId, int schemaVersion, String hostId, String commandId, String deploymentId,
                         String service, String version, String reason, Instant at) implements InstanceEvent {
    }

    /**
     * The previous version is back: {@code version} and {@code instance} are what now runs, or
     * both null when nothing ran before the rolled-back version.
     */
    @JsonTypeName("host.instance.rolled-back")
    record RolledBack(String eventId, int schemaVersion, String hostId, String commandId, String deploymentId,
                      String service, String version, Instance instance, Instant at) implements InstanceEvent {
    }

    /**
     * A hook's process is about to start. Written before it runs, so an executor restarted before
     * {@link HookFinished} knows the hook may have run and reports it failed instead of running it twice.
     */
    @JsonTypeName("host.hook.started")
    record HookStarted(String eventId, int schemaVersion, String hostId, String commandId, String deploymentId,
                       String service, String hook, Instant at) implements InstanceEvent {
        /** A hook runs no version of the service. */
        @Override
        public String version() {
            return null;
        }
    }

    /**
     * A hook ended: it passed when {@code ok} (exit code 0 within its timeout).
     *
     * @param exitCode   the process's exit code, or null when it never ran to an exit (refused, timed out, cut short)
     * @param timedOut   it ran past its timeout and its process group was killed
     * @param outputTail the last few KiB of its stdout and stderr, interleaved as written
     * @param reason     why it failed, as a sentence, or null when it passed
     */
    @JsonTypeName("host.hook.finished")
    record HookFinished(String eventId, int schemaVersion, String hostId, String commandId, String deploymentId,
                        String service, String hook, boolean ok, Integer exitCode, boolean timedOut, String outputTail,
                        String reason, Instant at) implements InstanceEvent {
        /** A hook runs no version of the service. */
        @Override
        public String version() {
            return null;
        }
    }
}
