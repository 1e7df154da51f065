package io.kanary.kafka;

import io.kanary.schema.Breach;
import io.kanary.schema.ControlCommand;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import io.kanary.schema.RollbackCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The fields without which an event cannot be acted on, checked when a record is read. JSON
 * Schema marks them required; Jackson leaves an absent field null, so without this check a
 * deploy request without {@code eventId} would become deployment {@code d-null}, and a
 * {@code host.announced} without {@code hostId} a host named null.
 *
 * <p>The check lives here rather than in the records' constructors so that code building an
 * event field by field (the HTTP API stamps the ids of a request after reading it) still can.
 */
public final class RequiredFields {
    private RequiredFields() {
    }

    /** What is missing, in a sentence such as {@code "deploy.requested without eventId"}, or empty. */
    public static Optional<String> problem(KanaryEvent event) {
        List<String> missing = new ArrayList<>();
        require(missing, "eventId", event.eventId());
        if (event instanceof DeployRequest) {
            // service, version and run are the request's own rules: the planner refuses them with the rule broken.
        } else if (event instanceof DeploymentEvent d) {
            deploymentEvent(d, missing);
        } else if (event instanceof HostEvent h) {
            hostEvent(h, missing);
        } else if (event instanceof ProbeResult p) {
            require(missing, "service", p.service());
            require(missing, "version", p.version());
            require(missing, "probedAt", p.probedAt());
        } else if (event instanceof TrafficSample t) {
            require(missing, "service", t.service());
            require(missing, "version", t.version());
            require(missing, "intervalStart", t.intervalStart());
            require(missing, "intervalEnd", t.intervalEnd());
        } else if (event instanceof RollbackCommand r) {
            require(missing, "deploymentId", r.deploymentId());
            require(missing, "service", r.service());
        } else if (event instanceof ControlCommand c) {
            require(missing, "deploymentId", c.deploymentId());
            require(missing, "service", c.service());
            require(missing, "action", c.action());
            require(missing, "by", c.by());
        } else if (event instanceof Judgement j) {
            require(missing, "deploymentId", j.deploymentId());
            require(missing, "service", j.service());
            require(missing, "version", j.version());
            require(missing, "judgedAt", j.judgedAt());
        } else if (event instanceof Breach b) {
            require(missing, "deploymentId", b.deploymentId());
            require(missing, "service", b.service());
            require(missing, "version", b.version());
            require(missing, "metric", b.metric());
        } else if (event instanceof HostCommand c) {
            require(missing, "hostId", c.hostId());
            require(missing, "deploymentId", c.deploymentId());
            require(missing, "service", c.service());
            if (c instanceof HostCommand.Deploy deploy) {
                require(missing, "version", deploy.version());
                require(missing, "run", deploy.run());
            }
        }
        return missing.isEmpty() ? Optional.empty()
                : Optional.of(name(event) + " without " + String.join(", ", missing));
    }

    private static void deploymentEvent(DeploymentEvent d, List<String> missing) {
        require(missing, "deploymentId", d.deploymentId());
        require(missing, "service", d.service());
        require(missing, "at", d.at());
        if (d instanceof DeploymentEvent.Started s) {
            // run and policy are the planner's to require (it acts on them); a reader such as the audit does not need them.
            require(missing, "version", s.version());
            if (s.batches().isEmpty()) {
                missing.add("batches");
            }
            if (s.batches().stream().flatMap(List::stream).anyMatch(h -> h == null)) {
                missing.add("batches (a null host)");
            }
        } else if (d instanceof DeploymentEvent.BatchStarted b) {
            require(missing, "hosts", b.hosts());
        } else if (d instanceof DeploymentEvent.BatchCompleted b) {
            require(missing, "hosts", b.hosts());
        } else if (d instanceof DeploymentEvent.RollingBack r) {
            require(missing, "hosts", r.hosts());
        } else if (d instanceof DeploymentEvent.RolledBack r) {
            require(missing, "hosts", r.hosts());
        } else if (d instanceof DeploymentEvent.Judged j) {
            require(missing, "verdict", j.verdict());
        } else if (d instanceof DeploymentEvent.Queued q) {
            // The planner starts the queued request later: it must be whole.
            require(missing, "request", q.request());
            if (q.request() != null) {
                require(missing, "request.version", q.request().version());
                require(missing, "request.run", q.request().run());
            }
        }
    }

    private static void hostEvent(HostEvent h, List<String> missing) {
        require(missing, "hostId", h.hostId());
        require(missing, "at", h.at());
        if (h instanceof HostEvent.InstanceEvent i) {
            require(missing, "service", i.service());
        }
        if (h instanceof HostEvent.Started s) {
            require(missing, "version", s.version());
            require(missing, "instance", s.instance());
        }
    }

    private static void require(List<String> missing, String field, Object value) {
        if (value == null || value instanceof String s && s.isBlank()) {
            missing.add(field);
        } else if (value instanceof List<?> list && list.stream().anyMatch(Objects::isNull)) {
            missing.add(field + " (a null element)");
        }
    }

    private static String name(KanaryEvent event) {
        try {
            return event.typeName();
        } catch (IllegalStateException e) {
            return event.getClass().getSimpleName();
        }
    }
}
