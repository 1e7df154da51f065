package io.kanary.audit;

import io.kanary.schema.ControlCommand;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.RollbackCommand;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks one deployment's causal chain: every cause an event names must be in the topics, and
 * the final event must lead back, cause by cause, to the deploy request. An operator's rollback
 * command is a first cause too (a person asked, no event did), so a chain may end there.
 */
final class ChainCheck {
    private final Causes causes;

    ChainCheck(Causes causes) {
        this.causes = causes;
    }

    /** Each break, as a sentence; empty when the chain is complete. */
    List<String> brokenLinks(String deploymentId, List<AuditEvent> events) {
        Set<String> broken = new LinkedHashSet<>();
        // The deployment's probes need no look here: a probe belongs to a deployment only through
        // its cause, found in the topics, so none of them can name a missing one.
        for (AuditEvent e : events) {
            if (e.causationId() != null && !causes.contains(e.causationId())) {
                broken.add(missingCause(e));
            }
        }
        AuditEvent last = null;
        for (AuditEvent e : events) {
            if (e.event() instanceof DeploymentEvent d && d.isTerminal()) {
                last = e;
            }
        }
        if (last != null) {
            String end = walkBack(deploymentId, last);
            if (end != null) {
                broken.add(end);
            }
        }
        return List.copyOf(broken);
    }

    /** Null when {@code last} leads back to the request (or an operator's command), else why not. */
    private String walkBack(String deploymentId, AuditEvent last) {
        Set<String> seen = new HashSet<>();
        AuditEvent current = last;
        while (true) {
            if (current.event() instanceof DeployRequest request) {
                return deploymentId.equals(request.effectiveDeploymentId()) ? null
                        : describe(last) + " leads back to the request of deployment " + request.effectiveDeploymentId()
                        + ", not to its own";
            }
            if (current.event() instanceof RollbackCommand rollback && rollback.operator() != null
                    && current.causationId() == null) {
                return null;
            }
            if (current.event() instanceof ControlCommand && current.causationId() == null) {
                return null; // an operator's pause, abort, promote or cancel starts a chain of its own
            }
            if (current.causationId() == null) {
                return describe(last) + " does not lead back to its deploy request: the chain stops at "
                        + describe(current) + ", which names no cause";
            }
            AuditEvent cause = causes.find(current.causationId());
            if (cause == null) {
                return missingCause(current);
            }
            if (!seen.add(cause.id())) {
                return describe(last) + " does not lead back to its deploy request: its causes loop at "
                        + describe(cause);
            }
            current = cause;
        }
    }

    private static String missingCause(AuditEvent e) {
        return describe(e) + " names cause " + Causes.shortId(e.causationId()) + " which is not in the topics";
    }

    private static String describe(AuditEvent e) {
        return e.typeName() + " " + Causes.shortId(e.id());
    }
}
