package io.kanary.audit;

import io.kanary.schema.Breach;
import io.kanary.schema.ControlCommand;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.InstanceHealth;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import io.kanary.schema.TrafficSample;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every replayed event by id, and what ties an event to a deployment and a service. */
final class Causes {
    private final Map<String, AuditEvent> byId = new LinkedHashMap<>();

    Causes(Collection<AuditEvent> events) {
        // The first record with an id wins: a redelivered event is the same event.
        events.forEach(e -> byId.putIfAbsent(e.id(), e));
    }

    /** Adds a probe or sample a decision names as its cause, so the chain check and the timeline find it. */
    void keep(AuditEvent e) {
        byId.putIfAbsent(e.id(), e);
    }

    AuditEvent find(String id) {
        return id == null ? null : byId.get(id);
    }

    boolean contains(String id) {
        return byId.containsKey(id);
    }

    /**
     * The deployment an event belongs to; a probe or traffic sample belongs to that of the host
     * event that made its instance be watched.
     */
    String deploymentOf(AuditEvent e) {
        if (e.event() instanceof InstanceHealth) {
            // A health gate's summary: its cause is the latest probe, whose cause is the host event.
            AuditEvent cause = find(e.causationId());
            return cause == null ? null : deploymentOf(cause);
        }
        if (EvidenceFold.isEvidence(e.event())) {
            AuditEvent cause = find(e.causationId());
            return cause == null || EvidenceFold.isEvidence(cause.event()) ? null : deploymentOf(cause);
        }
        String own = ownDeploymentId(e.event());
        if (own != null) {
            return own;
        }
        // A probe's or host announcement's subject is not a deployment; for the rest it is.
        return e.event() instanceof HostEvent.Announced ? null : e.ceSubject();
    }

    static String ownDeploymentId(KanaryEvent event) {
        if (event instanceof DeployRequest request) {
            return request.effectiveDeploymentId();
        } else if (event instanceof DeploymentEvent deployment) {
            return deployment.deploymentId();
        } else if (event instanceof HostCommand command) {
            return command.deploymentId();
        } else if (event instanceof HostEvent.InstanceEvent instance) {
            return instance.deploymentId();
        } else if (event instanceof Breach breach) {
            return breach.deploymentId();
        } else if (event instanceof RollbackCommand rollback) {
            return rollback.deploymentId();
        } else if (event instanceof ControlCommand control) {
            return control.deploymentId();
        }
        return null;
    }

    static String serviceOf(KanaryEvent event) {
        if (event instanceof DeployRequest request) {
            return request.service();
        } else if (event instanceof DeploymentEvent deployment) {
            return deployment.service();
        } else if (event instanceof HostCommand command) {
            return command.service();
        } else if (event instanceof HostEvent.InstanceEvent instance) {
            return instance.service();
        } else if (event instanceof Breach breach) {
            return breach.service();
        } else if (event instanceof RollbackCommand rollback) {
            return rollback.service();
        } else if (event instanceof ControlCommand control) {
            return control.service();
        } else if (event instanceof ProbeResult probe) {
            return probe.service();
        } else if (event instanceof TrafficSample sample) {
            return sample.service();
        }
        return null;
    }

    /** The short form of an id used in the text: its first 8 characters and an ellipsis. */
    static String shortId(String id) {
        return id == null ? "-" : id.length() <= 8 ? id : id.substring(0, 8) + "…";
    }
}
