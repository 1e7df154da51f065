package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import io.kanary.schema.RollbackCommand;
import io.kanary.schema.RunSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Operators' controls on the state machine: pause, resume, abort, promote; each acts once and is refused by phase. */
class ControlsTest {
    private final ProbeFeed feed = new ProbeFeed();
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    /** 2 good probes spanning 1 s pass a gate; a batch has 10 s to become healthy. */
    private static final Policy POLICY = new Policy(0.1, 500L, 5_000L, 10, 200L, 2, 1_000L, 10_000L);

    private final Planner planner = new Planner();
    private final List<Emission> record = new ArrayList<>();

    @BeforeEach
    void fleetOfThreeHostsOnV1() {
        for (String host : List.of("host-1", "host-2", "host-3")) {
            planner.observe(new HostEvent.Announced(id(), 1, host, "process", T0));
            planner.observe(new HostEvent.Started(id(), 1, host, id(), "old", "web", "v1",
                    new Instance(host + "/web/v1", "http://h", "http://h/health"), T0));
        }
        Planner.Result result = planner.onRequest(new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, "d1", "web", "v2",
                RunSpec.process(List.of("web", "--port", "{port}"), Map.of()), List.of(), 1, POLICY, "test", T0), T0);
        assertTrue(result.isAccepted());
        record.addAll(result.emissions());
    }

    @Test
    void shouldRecordWhoPausedAndWhyAndFinishTheBatchWithoutStartingTheNext() {
        List<Emission> paused = control("c1", ControlCommand.Action.PAUSE, null, "watch p99").emissions();

        DeploymentEvent.Paused event = (DeploymentEvent.Paused) paused.get(0).event();
        assertEquals(List.of("deployment.paused"), types(paused));
        assertEquals("alice", event.by());
        assertEquals("watch p99", event.reason());
        assertEquals("c1", event.controlId());
        assertEquals("c1", paused.get(0).causationId());
        started("host-1");
        probe("host-1", true, 0);
        assertEquals(List.of("deployment.batch.completed"), types(probe("host-1", true, 1_000)));
        assertEquals(Phase.PAUSED, phase());
        assertTrue(planner.onTick(T0.plusSeconds(60)).isEmpty(), "a completed batch has no deadline; nothing new starts");
    }

    @Test
    void shouldStartTheNextBatchOnResumeOnceThePausedBatchCompleted() {
        control("c1", ControlCommand.Action.PAUSE, null, null);
        started("host-1");
        probe("host-1", true, 0);
        probe("host-1", true, 1_000);

        List<Emission> out = control("c2", ControlCommand.Action.RESUME, null, "looks good").emissions();

        assertEquals(List.of("deployment.resumed", "deployment.batch.started", "host.command.deploy"), types(out));
        assertEquals("host-2", out.get(2).key());
        assertEquals(Phase.ROLLING, phase());
    }

    @Test
    void shouldRollAPausedDeploymentBackOnABreach() {
        control("c1", ControlCommand.Action.PAUSE, null, null);
        started("host-1");

        List<Emission> out = planner.onRollback(new RollbackCommand(id(), 1, "d1", "web", "error rate 30% > 10%", "b1",
                null, T0), T0.plusSeconds(1));

        assertEquals(List.of("deployment.rolling-back", "host.command.rollback"), types(out));
        assertEquals(Phase.ROLLING_BACK, phase());
    }

    @Test
    void shouldActOnceOnTheSameControlTwice() {
        control("c1", ControlCommand.Action.PAUSE, null, null);

        Planner.Result again = control("c1", ControlCommand.Action.PAUSE, null, null);

        assertTrue(again.isAccepted());
        assertEquals(List.of(), again.emissions());
    }

    @Test
    void shouldRefuseAControlThatDoesNotApplyNamingThePhase() {
        Planner.Result resume = control("c1", ControlCommand.Action.RESUME, null, null);

        assertFalse(resume.isAccepted());
        assertTrue(resume.rejection().conflict());
        assertEquals("ROLLING", resume.rejection().phase());
        assertEquals("Deployment d1 is ROLLING; resume applies only to a deployment that is PAUSED",
                resume.rejection().detail());
    }

    @Test
    void shouldRefusePromoteWithoutFullWhenNothingWaits() {
        Planner.Result promote = control("c1", ControlCommand.Action.PROMOTE, false, null);

        assertEquals("Deployment d1 is ROLLING; promote applies only to a deployment that is WAITING; there is no "
                + "pause or approval to end now (promote with full to skip the ones ahead)", promote.rejection().detail());
    }

    @Test
    void shouldRecordAFullPromoteWhileRolling() {
        List<Emission> out = control("c1", ControlCommand.Action.PROMOTE, true, "release train").emissions();

        DeploymentEvent.Promoted promoted = (DeploymentEvent.Promoted) out.get(0).event();
        assertTrue(promoted.full());
        assertEquals("alice", promoted.by());
        assertEquals(Phase.ROLLING, phase());
    }

    @Test
    void shouldRefuseAControlOfAnUnknownDeployment() {
        Planner.Result result = planner.onControl(new ControlCommand("c1", 1, "nope", "web",
                ControlCommand.Action.PAUSE, null, "alice", null, T0), T0);

        assertEquals(Rejection.UNKNOWN_DEPLOYMENT, result.rejection().title());
        assertFalse(result.rejection().conflict());
    }

    @Test
    void shouldAbortByRollingBackAndEndAbortedOnceEveryHostIsBack() {
        started("host-1");

        List<Emission> out = control("c1", ControlCommand.Action.ABORT, null, "wrong build").emissions();
        DeploymentEvent.RollingBack rollingBack = (DeploymentEvent.RollingBack) out.get(0).event();
        assertEquals(List.of("deployment.rolling-back", "host.command.rollback"), types(out));
        assertEquals("aborted by alice: wrong build", rollingBack.reason());
        assertEquals("alice", rollingBack.by());
        assertTrue(rollingBack.isAbort());
        List<Emission> back = planner.onHostEvent(new HostEvent.RolledBack(id(), 1, "host-1",
                out.get(1).event().eventId(), "d1", "web", "v1",
                new Instance("host-1/web/v1b", "http://h", "http://h/health"), T0), T0.plusSeconds(2));

        DeploymentEvent.Aborted aborted = (DeploymentEvent.Aborted) back.get(0).event();
        assertEquals("alice", aborted.by());
        assertEquals("aborted by alice: wrong build", aborted.reason());
        assertEquals(Phase.ABORTED, phase());
    }

    @Test
    void shouldRefuseAbortWhileRollingBack() {
        control("c1", ControlCommand.Action.ABORT, null, null);

        Planner.Result again = control("c2", ControlCommand.Action.ABORT, null, null);

        assertEquals("ROLLING_BACK", again.rejection().phase());
    }

    @Test
    void shouldRebuildAPausedDeploymentAndItsControlsByReplay() {
        control("c1", ControlCommand.Action.PAUSE, null, "night");

        Planner replayed = new Planner();
        record.stream().filter(e -> e.topic() == Topics.DEPLOY_EVENTS)
                .forEach(e -> replayed.apply((DeploymentEvent) e.event()));

        Deployment d = replayed.deployment("d1").orElseThrow();
        assertEquals(Phase.PAUSED, d.phase());
        assertEquals("alice", d.pausedBy());
        assertEquals("night", d.pauseReason());
        assertTrue(replayed.onControl(new ControlCommand("c1", 1, "d1", "web", ControlCommand.Action.PAUSE, null,
                "alice", "night", T0), T0).emissions().isEmpty(), "the same control after a restart acts no second time");
        assertTrue(replayed.onTick(T0.plusSeconds(5)).isEmpty());
        assertEquals(Phase.PAUSED, d.phase());
    }

    @Test
    void shouldForgetWhoPausedOnResume() {
        control("c1", ControlCommand.Action.PAUSE, null, "night");

        control("c2", ControlCommand.Action.RESUME, null, null);

        assertNull(planner.deployment("d1").orElseThrow().pausedBy());
    }

    private Planner.Result control(String id, ControlCommand.Action action, Boolean full, String reason) {
        Planner.Result result = planner.onControl(new ControlCommand(id, 1, "d1", "web", action, full, "alice", reason, T0),
                T0);
        record.addAll(result.emissions());
        return result;
    }

    private Phase phase() {
        return planner.deployment("d1").orElseThrow().phase();
    }

    private void started(String host) {
        record.addAll(planner.onHostEvent(new HostEvent.Started(id(), 1, host, id(), "d1", "web", "v2",
                new Instance(host + "/web/v2", "http://h", "http://h/health"), T0), T0));
    }

    private List<Emission> probe(String host, boolean ok, long atMs) {
        List<Emission> out = feed.probe(planner, new ProbeResult(id(), 1, "web", "v2", host, host + "/web/v2", ok,
                ok ? 200 : 500, 5, T0.plusMillis(atMs), null), T0.plusMillis(atMs));
        record.addAll(out);
        return out;
    }

    private static List<String> types(List<Emission> out) {
        return out.stream().map(e -> e.event().typeName()).toList();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
