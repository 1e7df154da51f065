package io.kanary.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Probes and traffic samples summed per deployment and version, from hand-made events, without a broker. */
class EvidenceFoldTest {
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    private final List<AuditEvent> events = new ArrayList<>();

    @Test
    void shouldSumTrafficSamplesIntoTheirDeploymentsVersionNotIntoADeploymentOfTheirOwn() {
        String started = startedInstance("d-t", "v2");
        add(Topics.TRAFFIC_SAMPLES.name(), sample("v2", 50, 2, 0), started);
        add(Topics.TRAFFIC_SAMPLES.name(), sample("v2", 40, 1, 1), started);

        AuditReport report = AuditReport.of(events, List.of(), List.of());
        assertEquals(List.of("d-t"), report.deployments().stream().map(DeploymentTimeline::deploymentId).toList());
        assertEquals(List.of(new VersionEvidence("v2", 0, 0, null, null, null, 2, 90, 3)),
                report.deployment("d-t").orElseThrow().evidence());
        assertEquals(4, report.eventCount());
    }

    @Test
    void shouldOrderProbeCountsByTheirFirstProbeAndNameTheFirstFailure() {
        String started = startedInstance("d-o", "v2");
        add(Topics.HEALTH_PROBES.name(), probe("v1", true, 30), started);
        add(Topics.HEALTH_PROBES.name(), probe("v2", false, 20), started);
        add(Topics.HEALTH_PROBES.name(), probe("v2", true, 10), started);

        DeploymentTimeline d = AuditReport.of(events, List.of(), List.of()).deployment("d-o").orElseThrow();
        assertEquals(List.of(new ProbeCount("v2", "host-1", 2, 1, 1), new ProbeCount("v1", "host-1", 1, 1, 0)),
                d.probeCounts());
        assertEquals(T0.plusSeconds(20), d.evidence().get(0).firstFailureAt());
    }

    private String startedInstance(String deploymentId, String version) {
        DeployRequest request = new DeployRequest(Ids.newId(), 1, deploymentId, "svc", version, null, null, null, null,
                "alice", T0);
        add(Topics.DEPLOY_REQUESTS.name(), request, null);
        HostEvent.Started started = new HostEvent.Started(Ids.newId(), 1, "host-1", null, deploymentId, "svc", version,
                new Instance("i-1", "http://127.0.0.1:1", "http://127.0.0.1:1/health"), T0);
        return add(Topics.HOST_EVENTS.name(), started, request.eventId());
    }

    private static ProbeResult probe(String version, boolean ok, int second) {
        return new ProbeResult(Ids.newId(), 1, "svc", version, "host-1", "i-1", ok, ok ? 200 : 500, 5,
                T0.plusSeconds(second), null);
    }

    private static TrafficSample sample(String version, long requests, long errors, int second) {
        return new TrafficSample(Ids.newId(), 1, "svc", version, "host-1", "i-1", "scrape", T0.plusSeconds(second),
                T0.plusSeconds(second + 1), requests, errors, List.of());
    }

    /** Times from the events' own: a probe's at its probe time, the rest in the order added. */
    private String add(String topic, KanaryEvent event, String cause) {
        Instant time = event instanceof ProbeResult p ? p.probedAt() : T0.plusMillis(10L * events.size());
        events.add(new AuditEvent(topic, 0, events.size(), "svc", event, event.eventId(), event.ceType(),
                time.toString(), "/test", event.subject(), cause, time));
        return event.eventId();
    }
}
