package io.kanary.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chain rules on hand-made events, without a broker. */
class AuditReportTest {
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    private final List<AuditEvent> events = new ArrayList<>();

    @Test
    void shouldAcceptAnOperatorsRollbackCommandAsAFirstCause() {
        DeployRequest request = request("d-op");
        add(Topics.DEPLOY_EVENTS.name(), new DeploymentEvent.Started(Ids.newId(), 1, "d-op", "svc",
                "v2", "v1", null, null, null, List.of(List.of("host-1")), "alice", T0), request.eventId());
        RollbackCommand byCarol = new RollbackCommand(Ids.newId(), 1, "d-op", "svc", "looks wrong", null, "carol", T0);
        add(Topics.ROLLBACK_COMMANDS.name(), byCarol, null);
        String rollingBack = add(Topics.DEPLOY_EVENTS.name(), new DeploymentEvent.RollingBack(Ids.newId(), 1, "d-op",
                "svc", "looks wrong", null, "carol", List.of("host-1"), T0), byCarol.eventId());
        add(Topics.DEPLOY_EVENTS.name(), new DeploymentEvent.RolledBack(Ids.newId(), 1, "d-op", "svc",
                List.of("host-1"), T0), rollingBack);

        DeploymentTimeline d = AuditReport.of(events, List.of(), List.of()).deployment("d-op").orElseThrow();
        assertTrue(d.chainComplete(), d.brokenLinks().toString());
        assertEquals(5, d.events().size());
    }

    @Test
    void shouldReportAFinalEventThatDoesNotLeadBackToTheRequest() {
        request("d-x");
        DeploymentEvent.Paused paused = new DeploymentEvent.Paused(Ids.newId(), 1, "d-x", "svc", "dave", T0);
        add(Topics.DEPLOY_EVENTS.name(), paused, null);
        DeploymentEvent.Aborted aborted = new DeploymentEvent.Aborted(Ids.newId(), 1, "d-x", "svc", "dave", "enough", T0);
        add(Topics.DEPLOY_EVENTS.name(), aborted, paused.eventId());

        DeploymentTimeline d = AuditReport.of(events, List.of(), List.of()).deployment("d-x").orElseThrow();
        assertEquals(List.of("deployment.aborted " + Causes.shortId(aborted.eventId())
                + " does not lead back to its deploy request: the chain stops at deployment.paused "
                + Causes.shortId(paused.eventId()) + ", which names no cause"), d.brokenLinks());
        assertEquals("aborted", d.outcome());
    }

    @Test
    void shouldCountProbesOfUnknownInstancesUnderTheirServiceOnly() {
        request("d-p");
        add(Topics.HEALTH_PROBES.name(), new ProbeResult(Ids.newId(), 1, "svc", "v9", "host-7", "i-7", true, 200, 3, T0,
                null), null);
        add(Topics.HEALTH_PROBES.name(), new ProbeResult(Ids.newId(), 1, "svc", "v9", "host-7", "i-7", false, 503, 3,
                T0, null), "no-such-event");

        AuditReport report = AuditReport.of(events, List.of(), List.of());
        assertEquals(0, report.deployment("d-p").orElseThrow().probeTotal());
        assertEquals(List.of(new ProbeCount("v9", "host-7", 2, 1, 1)), report.services().get(0).unattributedProbes());
        assertTrue(report.render().contains("probes of no known instance: v9 on host-7: 2 (1 ok, 1 failed)"),
                report.render());
    }

    private DeployRequest request(String deploymentId) {
        DeployRequest request = new DeployRequest(Ids.newId(), 1, deploymentId, "svc", "v2", null, null, null, null,
                "alice", T0);
        add(Topics.DEPLOY_REQUESTS.name(), request, null);
        return request;
    }

    private String add(String topic, KanaryEvent event, String cause) {
        Instant time = T0.plusMillis(10L * events.size());
        events.add(new AuditEvent(topic, 0, events.size(), "svc", event, event.eventId(), event.ceType(),
                time.toString(), "/test", event.subject(), cause, time));
        return event.eventId();
    }
}
