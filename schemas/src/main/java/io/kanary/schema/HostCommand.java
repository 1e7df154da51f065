package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * What the planner tells one host to do, on host.commands keyed by host id. The event id is the
 * command id: an executor that sees it again reports its recorded outcome and acts no second time.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(HostCommand.Deploy.class),
        @JsonSubTypes.Type(HostCommand.Rollback.class),
        @JsonSubTypes.Type(HostCommand.Stop.class)})
public sealed interface HostCommand extends KanaryEvent {

    String hostId();

    String deploymentId();

    String service();

    Instant issuedAt();

    @Override
    default String subject() {
        return deploymentId();
    }

    /** Run {@code version} of {@code service} on the host; the version it replaces is kept to roll back to. */
    @JsonTypeName("host.command.deploy")
    record Deploy(String eventId, int schemaVersion, String hostId, String deploymentId, String service,
                  String version, RunSpec run, Instant issuedAt) implements HostCommand {
    }

    /**
     * Put back the version the host ran before {@code fromVersion}. {@code toVersion} is what the
     * planner expects to come back (null: nothing ran before, so the instance is just stopped).
     */
    @JsonTypeName("host.command.rollback")
    record Rollback(String eventId, int schemaVersion, String hostId, String deploymentId, String service,
                    String fromVersion, String toVersion, Instant issuedAt) implements HostCommand {
    }

    /** Stop the service's instance on the host. */
    @JsonTypeName("host.command.stop")
    record Stop(String eventId, int schemaVersion, String hostId, String deploymentId, String service,
                Instant issuedAt) implements HostCommand {
    }
}
