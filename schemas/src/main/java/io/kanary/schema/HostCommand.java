package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What the planner tells one host to do, on host.commands keyed by host id. The event id is the
 * command id: an executor that sees it again reports its recorded outcome and acts no second time.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(HostCommand.Deploy.class),
        @JsonSubTypes.Type(HostCommand.Rollback.class),
        @JsonSubTypes.Type(HostCommand.Stop.class),
        @JsonSubTypes.Type(HostCommand.RunHook.class)})
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

    /**
     * Run a hook on the host and report {@link HostEvent.HookFinished}: its argv (its own process
     * group, never through a shell, only if the executor's allow-list allows the program for the
     * service), then its HTTP checks of the service's instance on the host; it passes when all do. Run at most once per command id: a hook whose run an executor
     * restart cut short is reported failed, not run again.
     *
     * @param hook      which hook this is, for people reading the events, e.g. {@code pre-deploy} or {@code smoke batch 1}
     * @param command   the argv to run, or empty when the hook is HTTP checks only
     * @param http      HTTP checks of the service's instance on the host, or empty
     * @param timeoutMs how long the command may run before its process group is killed and it counts as
     *                  failed; also each HTTP check's timeout unless the check gives its own
     */
    @JsonTypeName("host.command.run-hook")
    record RunHook(String eventId, int schemaVersion, String hostId, String deploymentId, String service,
                   String hook, List<String> command, List<HealthCheck.Http> http, Map<String, String> env,
                   long timeoutMs, Instant issuedAt) implements HostCommand {
        public RunHook {
            // Nulls kept, so the executor can refuse them by name.
            command = command == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(command));
            http = http == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(http));
            env = env == null ? Map.of() : Map.copyOf(env);
        }
    }
}
