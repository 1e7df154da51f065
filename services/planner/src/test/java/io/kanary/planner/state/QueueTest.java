package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.Topics;
import io.kanary.schema.ControlCommand;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RunSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A busy service's queue: queue (the default), refuse, supersede; a queued request starts when the active one ends. */
class QueueTest {
    private final ProbeFeed feed = new ProbeFeed();
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Policy POLICY = new Policy(0.1, 500L, 5_000L, 10, 200L, 2, 1_000L, 10_000L);

    private final Planner planner = new Planner();
    private final List<Emission> record = new ArrayList<>();

    @BeforeEach
    void fleetOfOneHostOnV1() {
        planner.observe(new HostEvent.Announced(id(), 1, "host-1", "process", T0));
        planner.observe(new HostEvent.Started(id(), 1, "host-1", id(), "old", "web", "v1",
                new Instance("host-1/web/v1", "http://h", "http://h/health"), T0));
        assertEquals(List.of("deployment.started", "deployment.batch.started", "host.command.deploy"),
                types(request("d1", "v2", null, null).emissions()));
    }

    @Test
    void shouldQueueARequestForABusyServiceByDefault() {
        Planner.Result result = request("d2", "v3", null, null);

        assertTrue(result.isAccepted());
        assertEquals(List.of("deployment.queued"), types(result.emissions()));
        assertEquals(1, planner.queued().get("d2").position());
    }

    @Test
    void shouldStartTheQueuedRequestInTheSameDecisionAsTheActiveOnesEnd() {
        request("d2", "v3", null, null);

        List<Emission> out = passGate("d1", "v2");

        assertEquals(List.of("deployment.batch.completed", "deployment.succeeded", "deployment.started",
                "deployment.batch.started", "host.command.deploy"), types(out));
        assertEquals("d2", ((DeploymentEvent.Started) out.get(2).event()).deploymentId());
        assertEquals(Map.of("host-1", "v2"), ((DeploymentEvent.Started) out.get(2).event()).previousVersions());
        assertTrue(planner.queued().isEmpty());
    }

    @Test
    void shouldRefuseWhenAskedTo() {
        Planner.Result result = request("d2", "v3", DeployRequest.REFUSE, null);

        assertTrue(result.rejection().conflict());
        assertEquals("service web already has an active deployment, d1 (v2, ROLLING); wait for it to end or roll it back",
                result.rejection().detail());
    }

    @Test
    void shouldAbortTheActiveDeploymentAndThenStartASupersedingOne() {
        planner.onHostEvent(new HostEvent.Started(id(), 1, "host-1", id(), "d1", "web", "v2",
                new Instance("host-1/web/v2", "http://h", "http://h/health"), T0), T0);
        request("d2", "v3", null, null);

        List<Emission> out = request("d3", "v4", DeployRequest.SUPERSEDE, null).emissions();

        assertEquals(List.of("deployment.queued", "deployment.rolling-back", "host.command.rollback"), types(out));
        assertEquals("superseded by d3 (v4)", ((DeploymentEvent.RollingBack) out.get(1).event()).reason());
        assertEquals(1, planner.queued().get("d3").position(), "a superseding request goes first");
        List<Emission> back = planner.onHostEvent(new HostEvent.RolledBack(id(), 1, "host-1", id(), "d1", "web", "v1",
                new Instance("host-1/web/v1b", "http://h", "http://h/health"), T0), T0.plusSeconds(1));
        assertEquals(List.of("deployment.aborted", "deployment.started", "deployment.batch.started", "host.command.deploy"),
                types(back));
        assertEquals("d3", back.get(1).event().subject());
    }

    @Test
    void shouldCancelAQueuedRequestAndActOnceOnTheSameCancel() {
        request("d2", "v3", null, null);
        ControlCommand cancel = new ControlCommand("c1", 1, "d2", "web", ControlCommand.Action.CANCEL, null, "alice",
                "not tonight", T0);

        List<Emission> out = planner.onControl(cancel, T0).emissions();
        record.addAll(out);

        DeploymentEvent.Cancelled cancelled = (DeploymentEvent.Cancelled) out.get(0).event();
        assertEquals("alice", cancelled.by());
        assertEquals("not tonight", cancelled.reason());
        assertTrue(planner.onControl(cancel, T0).emissions().isEmpty());
        assertEquals("CANCELLED", planner.onControl(new ControlCommand("c2", 1, "d2", "web", ControlCommand.Action.CANCEL,
                null, "alice", null, T0), T0).rejection().phase());
        assertEquals(List.of("deployment.batch.completed", "deployment.succeeded"), types(passGate("d1", "v2")));
    }

    @Test
    void shouldRefuseCancelOfAStartedDeploymentNamingItsPhase() {
        Planner.Result result = planner.onControl(new ControlCommand("c1", 1, "d1", "web", ControlCommand.Action.CANCEL,
                null, "alice", null, T0), T0);

        assertEquals("ROLLING", result.rejection().phase());
    }

    @Test
    void shouldWaitForTheNeededDeploymentAndRefuseOneThatFailed() {
        Planner.Result staged = request("p1", "v2", null, "d1");
        assertEquals(List.of("deployment.queued"), types(staged.emissions()));

        planner.onRollback(new io.kanary.schema.RollbackCommand(id(), 1, "d1", "web", "bad", "b1", null, T0), T0);
        planner.onHostEvent(new HostEvent.RolledBack(id(), 1, "host-1", id(), "d1", "web", "v1",
                new Instance("host-1/web/v1b", "http://h", "http://h/health"), T0), T0);

        assertEquals(Phase.CANCELLED, DeploymentPhaseOf("p1"));
        Planner.Result after = request("p2", "v2", null, "d1");
        assertFalse(after.isAccepted());
        assertEquals("needs", after.rejection().violations().get(0).field());
    }

    @Test
    void shouldRebuildTheQueueByReplay() {
        request("d2", "v3", null, null);
        request("d3", "v4", null, null);

        Planner replayed = new Planner();
        record.stream().filter(e -> e.topic() == Topics.DEPLOY_EVENTS).forEach(e -> replayed.apply((DeploymentEvent) e.event()));

        assertEquals(List.of("d2", "d3"), List.copyOf(replayed.queued().keySet()));
        assertEquals(2, replayed.queued().get("d3").position());
    }

    private Phase DeploymentPhaseOf(String id) {
        Planner.QueuedView q = planner.queued().get(id);
        return q.cancelled() != null ? Phase.CANCELLED : Phase.QUEUED;
    }

    private List<Emission> passGate(String deploymentId, String version) {
        List<Emission> out = new ArrayList<>(planner.onHostEvent(new HostEvent.Started(id(), 1, "host-1", id(), deploymentId,
                "web", version, new Instance("host-1/web/" + version, "http://h", "http://h/health"), T0), T0));
        out.addAll(probe(version, 0));
        out.addAll(probe(version, 1_000));
        record.addAll(out);
        return out;
    }

    private List<Emission> probe(String version, long atMs) {
        return feed.probe(planner, new ProbeResult(id(), 1, "web", version, "host-1", "host-1/web/" + version, true, 200, 5,
                T0.plusMillis(atMs), null), T0.plusMillis(atMs));
    }

    private Planner.Result request(String deploymentId, String version, String onBusy, String needs) {
        Planner.Result result = planner.onRequest(new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, deploymentId, "web",
                version, RunSpec.process(List.of("web", "--port", "{port}"), Map.of()), List.of("host-1"), 1, POLICY,
                "test", T0, null, onBusy, needs, null, null, null), T0);
        record.addAll(result.emissions());
        return result;
    }

    private static List<String> types(List<Emission> out) {
        return out.stream().map(e -> e.event().typeName()).toList();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
