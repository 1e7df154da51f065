package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * Roll the deployment back, on rollback.commands keyed by service. The breach-detector writes one
 * per breached deployment; operators write them too.
 *
 * @param breachId the breach behind it, or null for an operator's command
 * @param operator who asked, or null for the breach-detector
 */
@JsonTypeName("rollback.requested")
public record RollbackCommand(String eventId, int schemaVersion, String deploymentId, String service, String reason,
                              String breachId, String operator, Instant issuedAt) implements KanaryEvent {
    @Override
    public String subject() {
        return deploymentId;
    }
}
