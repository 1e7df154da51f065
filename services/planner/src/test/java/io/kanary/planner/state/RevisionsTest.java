package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.kafka.Topics;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.PlannedStep;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RunSpec;
import io.kanary.schema.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every deployment that succeeded is a revision of its service, from its started record; undo, retry and restart deploy from it. */
class RevisionsTest {
    private final ProbeFeed feed = new ProbeFeed();
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Policy POLICY = new Policy(0.1, 500L, 5_000L, 10, 200L, 2, 1_000L, 10_000L);

    private final Planner planner = new Planner();
    private final List<Emission> record = new ArrayList<>();

    @BeforeEach
    void oneHost() {
        planner.observe(new HostEvent.Announced(id(), 1, "host-1", "process", T0));
    }

    @Test
    void shouldNumberEverySucceededDeploymentAsARevisionWithItsRunSpec() {
        succeed("d1", "v1", Map.of("GREETING", "hello"));
        succeed("d2", "v2", Map.of("GREETING", "bonjour"));

        List<Revision> revisions = planner.revisions().get("web");

        assertEquals(List.of(1, 2), revisions.stream().map(Revision::revision).toList());
        assertEquals(List.of("d1", "d2"), revisions.stream().map(Revision::deploymentId).toList());
        assertEquals(Map.of("GREETING", "hello"), revisions.get(0).run().env());
        assertEquals(List.of("host-1"), revisions.get(0).hosts());
        assertEquals(T0.plusMillis(1_000), revisions.get(0).succeededAt());
    }

    @Test
    void shouldRebuildRevisionsByReplay() {
        succeed("d1", "v1", Map.of());
        succeed("d2", "v2", Map.of());

        Planner replayed = new Planner();
        record.stream().filter(e -> e.topic() == Topics.DEPLOY_EVENTS).forEach(e -> replayed.apply((DeploymentEvent) e.event()));

        assertEquals(planner.revisions(), replayed.revisions());
    }

    @Test
    void shouldCountASucceededRecordReadTwiceAsOneRevision() {
        succeed("d1", "v1", Map.of());
        succeed("d2", "v2", Map.of());

        Planner replayed = new Planner();
        List<DeploymentEvent> events = record.stream().filter(e -> e.topic() == Topics.DEPLOY_EVENTS)
                .map(e -> (DeploymentEvent) e.event()).toList();
        events.forEach(replayed::apply);
        events.stream().filter(e -> e instanceof DeploymentEvent.Succeeded).forEach(replayed::apply);

        List<Revision> revisions = replayed.revisions().get("web");
        assertEquals(List.of(1, 2), revisions.stream().map(Revision::revision).toList());
        assertEquals(List.of("d1", "d2"), revisions.stream().map(Revision::deploymentId).toList());
    }

    @Test
    void shouldRecordTheKindAndCauseOfAnUndoInItsStartedEvent() {
        succeed("d1", "v1", Map.of());
        DeployRequest undo = new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, "d2", "web", "v1",
                RunSpec.process(List.of("web"), Map.of()), List.of("host-1"), 1, POLICY, "alice", T0, null, null, null, null,
                DeployRequest.KIND_UNDO, "revision 1 (d1)");

        DeploymentEvent.Started started = (DeploymentEvent.Started) planner.onRequest(undo, T0).emissions().get(0).event();

        assertEquals("undo", started.kind());
        assertEquals("revision 1 (d1)", started.cause());
    }

    @Test
    void shouldGiveARetryTheStepsOfThePlanItRepeats() {
        List<PlannedStep> plan = List.of(PlannedStep.batch(List.of("host-1")), PlannedStep.pause(30_000),
                PlannedStep.approval(), PlannedStep.batch(List.of("host-2", "host-3")));

        List<Step> steps = StepPlanner.stepsOf(plan);

        assertEquals(List.of(Step.ofHosts(1), Step.pauseFor("30000ms"), Step.approvalStep(), Step.ofHosts(2)), steps);
        DeployRequest again = new DeployRequest(id(), 1, "d9", "web", "v1", RunSpec.process(List.of("web"), Map.of()),
                List.of("host-1", "host-2", "host-3"), null, POLICY, "alice", T0, steps, null, null, null, null, null);
        assertEquals(plan, StepPlanner.plan(again.hosts(), again));
    }

    private void succeed(String deploymentId, String version, Map<String, String> env) {
        Planner.Result result = planner.onRequest(new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, deploymentId, "web",
                version, RunSpec.process(List.of("web", "--port", "{port}"), env), List.of("host-1"), 1, POLICY, "test", T0),
                T0);
        record.addAll(result.emissions());
        record.addAll(planner.onHostEvent(new HostEvent.Started(id(), 1, "host-1", id(), deploymentId, "web", version,
                new Instance("host-1/web/" + version, "http://h", "http://h/health"), T0), T0));
        for (long at : new long[] {0, 1_000}) {
            record.addAll(feed.probe(planner, new ProbeResult(id(), 1, "web", version, "host-1", "host-1/web/" + version, true, 200, 5,
                    T0.plusMillis(at), null), T0.plusMillis(at)));
        }
        assertEquals(Phase.SUCCEEDED, planner.deployment(deploymentId).orElseThrow().phase());
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
