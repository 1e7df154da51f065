package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.Topics;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
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
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private final ProbeFeed feed = new ProbeFeed();
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    /** 2 good probes spanning 1 s pass a gate; a batch has 10 s to become healthy. */
    private static final Policy POLICY = new Policy(0.1, 500L, 5_000L, 10, 200L, 2, 1_000L, 10_000L);

    private final Planner planner = new Planner();

    @BeforeEach
    void fleetOfThreeHostsOnV1() {
        for (String host : List.of("host-1", "host-2", "host-3")) {
            planner.observe(new HostEvent.Announced(id(), 1, host, "process", T0));
            planner.observe(new HostEvent.Started(id(), 1, host, id(), "old", "web", "v1",
                    new Instance(host + "/web/v1", "http://h", "http://h/health"), T0));
        }
    }

    @Test
    void shouldPlanBatchesOfTheRequestedSizeAndCommandOnlyTheFirst() {
        List<Emission> out = accept(request("d1", 2, List.of()));

        DeploymentEvent.Started started = (DeploymentEvent.Started) out.get(0).event();
        assertEquals(List.of(List.of("host-1", "host-2"), List.of("host-3")), started.batches());
        assertEquals("v1", started.baselineVersion());
        assertEquals(Map.of("host-1", "v1", "host-2", "v1", "host-3", "v1"), started.previousVersions());
        assertEquals(List.of("deployment.started", "deployment.batch.started", "host.command.deploy", "host.command.deploy"), types(out));
        assertEquals(List.of("host-1", "host-2"), commandedHosts(out));
    }

    @Test
    void shouldChainEachDecisionToItsCause() {
        DeployRequest request = request("d1", 1, List.of());
        List<Emission> out = accept(request);

        assertEquals(request.eventId(), out.get(0).causationId());
        assertEquals(out.get(0).event().eventId(), out.get(1).causationId());
        assertEquals(out.get(1).event().eventId(), out.get(2).causationId());
    }

    @Test
    void shouldAdvanceABatchOnlyWhenEveryHostPassedItsHealthGate() {
        accept(request("d1", 2, List.of()));
        started("d1", "host-1");
        started("d1", "host-2");

        assertTrue(probe("host-1", true, 0).isEmpty());
        assertTrue(probe("host-1", true, 1_000).isEmpty(), "host-2 has not passed yet");
        assertTrue(probe("host-2", true, 0).isEmpty());
        List<Emission> out = probe("host-2", true, 1_000);

        assertEquals(List.of("deployment.batch.completed", "deployment.batch.started", "host.command.deploy"), types(out));
        assertEquals(List.of("host-3"), commandedHosts(out));
    }

    @Test
    void shouldRestartTheGateAfterABadProbe() {
        accept(request("d1", 3, List.of()));
        List.of("host-1", "host-2", "host-3").forEach(h -> started("d1", h));
        probe("host-2", true, 0);
        probe("host-3", true, 0);
        probe("host-2", true, 1_000);
        probe("host-3", true, 1_000);

        probe("host-1", true, 0);
        probe("host-1", false, 500);
        assertTrue(probe("host-1", true, 1_000).isEmpty(), "a failed probe restarts the count");
        List<Emission> out = probe("host-1", true, 2_000);

        assertEquals(List.of("deployment.batch.completed", "deployment.succeeded"), types(out));
        assertEquals(Phase.SUCCEEDED, planner.deployment("d1").orElseThrow().phase());
    }

    @Test
    void shouldNotPassAGateOnProbesOfAnotherVersion() {
        accept(request("d1", 1, List.of("host-1")));
        started("d1", "host-1");

        feed.probe(planner, probeOf("v1", "host-1", true, 0), T0);
        feed.probe(planner, probeOf("v1", "host-1", true, 2_000), T0);

        assertFalse(planner.deployment("d1").orElseThrow().gates().get("host-1").passed());
    }

    @Test
    void shouldNotPassAGateOnLateProbesOfTheInstanceTheNewOneReplaced() {
        accept(request("d1", 1, List.of("host-1")));
        started("d1", "host-1");
        // Same version, another instance: what a restart replaced, probed after the new one started.
        ProbeResult[] late = {
                new ProbeResult(id(), 1, "web", "v2", "host-1", "host-1/web/v2-replaced", true, 200, 5, T0, null),
                new ProbeResult(id(), 1, "web", "v2", "host-1", "host-1/web/v2-replaced", true, 200, 5,
                        T0.plusMillis(2_000), null)};
        for (ProbeResult probe : late) {
            feed.probe(planner, probe, probe.probedAt());
        }
        assertFalse(planner.deployment("d1").orElseThrow().gates().get("host-1").passed());

        probe("host-1", true, 3_000);
        probe("host-1", true, 4_000);
        assertTrue(planner.deployment("d1").orElseThrow().gates().get("host-1").passed());
    }

    @Test
    void shouldRollBackWhenABatchMissesItsHealthDeadline() {
        accept(request("d1", 1, List.of()));
        started("d1", "host-1");

        assertTrue(planner.onTick(T0.plusMillis(9_000)).isEmpty());
        List<Emission> out = planner.onTick(T0.plusMillis(10_001));

        assertEquals(List.of("deployment.rolling-back", "host.command.rollback"), types(out));
        DeploymentEvent.RollingBack rb = (DeploymentEvent.RollingBack) out.get(0).event();
        assertTrue(rb.reason().contains("not healthy within 10.0s"), rb.reason());
        assertTrue(rb.reason().contains("host-1: 0 good probe(s) in a row of 2 needed"), rb.reason());
    }

    @Test
    void shouldRollBackEveryUpdatedHostOnARollbackCommandAndFinishWhenAllConfirm() {
        accept(request("d1", 1, List.of()));
        started("d1", "host-1");
        probe("host-1", true, 0);
        probe("host-1", true, 1_000); // batch 1 done, host-2 commanded

        RollbackCommand command = new RollbackCommand(id(), 1, "d1", "web", "error rate 30% > 10%", "b1", null, T0);
        List<Emission> out = planner.onRollback(command, T0);

        assertEquals(List.of("deployment.rolling-back", "host.command.rollback", "host.command.rollback"), types(out));
        assertEquals(List.of("host-1", "host-2"), commandedHosts(out));
        HostCommand.Rollback toV1 = (HostCommand.Rollback) out.get(1).event();
        assertEquals("v1", toV1.toVersion());
        assertEquals(command.eventId(), out.get(0).causationId());
        assertEquals("breach-detector", ((DeploymentEvent.RollingBack) out.get(0).event()).by());

        assertTrue(rolledBack("d1", "host-1").isEmpty());
        List<Emission> done = rolledBack("d1", "host-2");
        assertEquals(List.of("deployment.rolled-back"), types(done));
        assertEquals(Phase.ROLLED_BACK, planner.deployment("d1").orElseThrow().phase());
    }

    @Test
    void shouldActOnOnlyTheFirstRollbackCommand() {
        accept(request("d1", 1, List.of()));
        RollbackCommand command = new RollbackCommand(id(), 1, "d1", "web", "bad", "b1", null, T0);

        assertEquals(2, planner.onRollback(command, T0).size());
        assertTrue(planner.onRollback(command, T0).isEmpty());
    }

    @Test
    void shouldRollBackWithNothingToUndoWhenTheOnlyHostCannotStartTheNewVersion() {
        List<Emission> started = accept(request("d1", 1, List.of()));
        List<Emission> out = planner.onHostEvent(new HostEvent.CommandFailed(id(), 1, "host-1", commandTo(started, "host-1"),
                "d1", "web", "v2", "exited with code 1", T0), T0);

        assertEquals(List.of("deployment.rolling-back", "deployment.rolled-back"), types(out));
        DeploymentEvent.RollingBack rollingBack = (DeploymentEvent.RollingBack) out.get(0).event();
        assertEquals("host-1 could not run v2: exited with code 1", rollingBack.reason());
        assertEquals(List.of(), rollingBack.hosts());
        assertEquals(List.of(), ((DeploymentEvent.RolledBack) out.get(1).event()).hosts());
        assertEquals(Phase.ROLLED_BACK, planner.deployment("d1").orElseThrow().phase());
    }

    @Test
    void shouldRollBackCleanlyWhenSeveralHostsOfABatchFailToStart() {
        List<Emission> started = accept(request("d1", 3, List.of()));

        List<Emission> first = planner.onHostEvent(new HostEvent.CommandFailed(id(), 1, "host-1",
                commandTo(started, "host-1"), "d1", "web", "v2", "port in use", T0), T0);
        assertEquals(List.of("deployment.rolling-back", "host.command.rollback", "host.command.rollback"), types(first));
        assertEquals(List.of("host-2", "host-3"), commandedHosts(first), "host-1 never ran v2: no rollback to it");

        List<Emission> second = planner.onHostEvent(new HostEvent.CommandFailed(id(), 1, "host-2",
                commandTo(started, "host-2"), "d1", "web", "v2", "exited with code 1", T0), T0);
        assertEquals(List.of(), types(second), "host-2's deploy failed: not a failed rollback, and nothing to undo there");
        assertEquals(Set.of("host-3"), planner.deployment("d1").orElseThrow().awaitingRollback());

        started("d1", "host-3");
        List<Emission> done = planner.onHostEvent(new HostEvent.RolledBack(id(), 1, "host-3", commandTo(first, "host-3"),
                "d1", "web", "v1", new Instance("host-3/web/v1b", "http://h", "http://h/health"), T0), T0);
        assertEquals(List.of("deployment.rolled-back"), types(done));
        assertEquals(List.of("host-3"), ((DeploymentEvent.RolledBack) done.get(0).event()).hosts());
        assertEquals(Phase.ROLLED_BACK, planner.deployment("d1").orElseThrow().phase());
        // host-2's executor answers the rollback it was sent after all: the deployment is over, nothing changes.
        assertEquals(List.of(), types(planner.onHostEvent(new HostEvent.RolledBack(id(), 1, "host-2",
                commandTo(first, "host-2"), "d1", "web", "v1", null, T0), T0)));
    }

    @Test
    void shouldTellAFailedStartFromAFailedRollbackWhenReplayingTheTopics() {
        List<Emission> record = new ArrayList<>(accept(request("d1", 3, List.of())));
        List<HostEvent> hostEvents = new ArrayList<>();
        hostEvents.add(new HostEvent.CommandFailed(id(), 1, "host-1", commandTo(record, "host-1"), "d1", "web", "v2",
                "port in use", T0));
        record.addAll(planner.onHostEvent(hostEvents.get(0), T0));
        hostEvents.add(new HostEvent.CommandFailed(id(), 1, "host-2", deployTo(record, "host-2"), "d1", "web", "v2",
                "exited with code 1", T0));
        hostEvents.add(new HostEvent.Started(id(), 1, "host-3", deployTo(record, "host-3"), "d1", "web", "v2",
                new Instance("host-3/web/v2", "http://h", "http://h/health"), T0));
        hostEvents.add(new HostEvent.RolledBack(id(), 1, "host-3", rollbackTo(record, "host-3"), "d1", "web", "v1",
                new Instance("host-3/web/v1b", "http://h", "http://h/health"), T0));

        // A planner that stopped before it consumed the hosts' answers replays deploy.events, then host.events.
        Planner replayed = replay(record, hostEvents);

        List<Emission> out = replayed.onTick(T0.plusMillis(1));
        assertEquals(List.of("deployment.rolled-back"), types(out));
        assertEquals(List.of("host-3"), ((DeploymentEvent.RolledBack) out.get(0).event()).hosts());
    }

    @Test
    void shouldFailWhenAHostCannotBeRolledBack() {
        accept(request("d1", 1, List.of()));
        started("d1", "host-1");
        List<Emission> rollback = planner.onRollback(new RollbackCommand(id(), 1, "d1", "web", "bad", null, "alice", T0), T0);
        List<Emission> out = planner.onHostEvent(new HostEvent.CommandFailed(id(), 1, "host-1", commandTo(rollback, "host-1"),
                "d1", "web", "v1", "no previous version", T0), T0);

        assertEquals(List.of("deployment.failed"), types(out));
        assertEquals("host-1 could not be rolled back: no previous version",
                ((DeploymentEvent.Failed) out.get(0).event()).reason());
        assertEquals(Phase.FAILED, planner.deployment("d1").orElseThrow().phase());
    }

    @Test
    void shouldRefuseASecondActiveDeploymentOfTheSameServiceAsAConflictWhenAskedToRefuse() {
        accept(request("d1", 1, List.of()));
        DeployRequest r = request("d2", 1, List.of());
        Planner.Result second = planner.onRequest(new DeployRequest(r.eventId(), r.schemaVersion(), r.deploymentId(),
                r.service(), r.version(), r.run(), r.hosts(), r.batchSize(), r.policy(), r.requestedBy(), r.requestedAt(),
                null, DeployRequest.REFUSE, null, null, null, null), T0);

        assertFalse(second.isAccepted());
        assertTrue(second.rejection().conflict());
        assertTrue(second.rejection().detail().contains("already has an active deployment, d1"), second.rejection().detail());
    }

    @Test
    void shouldRefuseUnknownHostsAndInvalidPolicyNamingTheField() {
        Planner.Result unknown = planner.onRequest(request("d1", 1, List.of("host-9")), T0);
        assertFalse(unknown.rejection().conflict());
        assertEquals("hosts", unknown.rejection().violations().get(0).field());

        DeployRequest bad = new DeployRequest(id(), 1, "d2", "web", "v2", RunSpec.process(List.of("app"), Map.of()),
                List.of(), 0, new Policy(1.5, null, null, null, null, null, null, null), "test", T0);
        Planner.Result invalid = planner.onRequest(bad, T0);
        assertEquals(List.of("batchSize", "policy.maxErrorRate"),
                invalid.rejection().violations().stream().map(Violation::field).toList());

        DeployRequest negativeTolerance = new DeployRequest(id(), 1, "d3", "web", "v2",
                RunSpec.process(List.of("app"), Map.of()), List.of("host-1"), 1,
                new Policy(null, null, null, null, null, null, null, null, null, null, null, -1L), "test", T0);
        assertEquals(List.of("policy.outageToleranceMs"), planner.onRequest(negativeTolerance, T0).rejection()
                .violations().stream().map(Violation::field).toList());
    }

    @Test
    void shouldRebuildTheSameStateFromItsOwnEvents() {
        List<Emission> all = new ArrayList<>(accept(request("d1", 1, List.of())));
        started("d1", "host-1");
        probe("host-1", true, 0);
        all.addAll(probe("host-1", true, 1_000));

        Planner replayed = new Planner();
        all.stream().filter(e -> e.topic() == Topics.DEPLOY_EVENTS).forEach(e -> replayed.apply((DeploymentEvent) e.event()));

        Deployment original = planner.deployment("d1").orElseThrow();
        Deployment copy = replayed.deployment("d1").orElseThrow();
        assertEquals(original.phase(), copy.phase());
        assertEquals(original.batch(), copy.batch());
        assertEquals(original.updatedHosts(), copy.updatedHosts());
    }

    @Test
    void shouldFinishARollbackThatAReplayFoundAlreadyConfirmed() {
        accept(request("d1", 1, List.of()));
        planner.onRollback(new RollbackCommand(id(), 1, "d1", "web", "bad", null, "alice", T0), T0);
        planner.observe(new HostEvent.RolledBack(id(), 1, "host-1", id(), "d1", "web", "v1", null, T0));

        assertEquals(List.of("deployment.rolled-back"), types(planner.onTick(T0)));
        assertNull(planner.active("web").orElse(null));
    }

    // ---- deadlines count time awake ----

    @Test
    void shouldExtendAnOpenBatchDeadlineByThePlannersDowntime() {
        List<Emission> record = new ArrayList<>(accept(request("d1", 1, List.of()))); // batch deadline T0 + 10 s
        HostEvent.Started started = startedEvent("d1", "host-1");
        planner.onHostEvent(started, T0.plusMillis(1_000));

        // Down from T0 + 2 s (its last consumed record) to T0 + 62 s: a whole deadline and more.
        Planner restarted = replay(record, List.of(started));
        restarted.resume(T0.plusMillis(2_000), T0.plusMillis(62_000));
        List<Emission> out = restarted.onTick(T0.plusMillis(62_000));

        assertEquals(List.of("deployment.deadlines-extended"), types(out));
        DeploymentEvent.DeadlinesExtended extended = (DeploymentEvent.DeadlinesExtended) out.get(0).event();
        assertEquals(T0.plusMillis(2_000), extended.downSince());
        assertEquals(60_000L, extended.extendedByMs());
        assertEquals(record.get(1).event().eventId(), out.get(0).causationId(), "chained to the batch whose deadline moved");
        assertEquals(T0.plusMillis(70_000), restarted.deployment("d1").orElseThrow().batchDeadline());
        assertEquals(List.of(), types(restarted.onTick(T0.plusMillis(70_000))));

        List<Emission> late = restarted.onTick(T0.plusMillis(70_001));
        assertEquals(List.of("deployment.rolling-back", "host.command.rollback"), types(late));
    }

    @Test
    void shouldRebuildTheExtendedDeadlineFromTheRecord() {
        List<Emission> record = new ArrayList<>(accept(request("d1", 1, List.of())));
        Planner restarted = replay(record, List.of());
        restarted.resume(T0.plusMillis(2_000), T0.plusMillis(62_000));
        record.addAll(restarted.onTick(T0.plusMillis(62_000)));

        Planner again = replay(record, List.of());

        assertEquals(T0.plusMillis(70_000), again.deployment("d1").orElseThrow().batchDeadline());
    }

    @Test
    void shouldCountFromItsOwnLatestEventWhenItConsumedNothingLater() {
        List<Emission> record = new ArrayList<>(accept(request("d1", 1, List.of())));
        Planner restarted = replay(record, List.of());
        restarted.resume(null, T0.plusMillis(30_000));

        List<Emission> out = restarted.onTick(T0.plusMillis(30_000));

        assertEquals(List.of("deployment.deadlines-extended"), types(out));
        assertEquals(T0, ((DeploymentEvent.DeadlinesExtended) out.get(0).event()).downSince());
        assertEquals(30_000L, ((DeploymentEvent.DeadlinesExtended) out.get(0).event()).extendedByMs());
    }

    @Test
    void shouldExtendARollbacksDeadlineToo() {
        List<Emission> record = new ArrayList<>(accept(request("d1", 1, List.of())));
        HostEvent.Started started = startedEvent("d1", "host-1");
        planner.onHostEvent(started, T0);
        record.addAll(planner.onRollback(new RollbackCommand(id(), 1, "d1", "web", "bad", null, "alice", T0),
                T0.plusMillis(1_000))); // confirmations due by T0 + 11 s

        Planner restarted = replay(record, List.of(started));
        restarted.resume(T0.plusMillis(1_000), T0.plusMillis(41_000));
        assertEquals(List.of("deployment.deadlines-extended"), types(restarted.onTick(T0.plusMillis(41_000))));

        assertEquals(T0.plusMillis(51_000), restarted.deployment("d1").orElseThrow().rollbackDeadline());
        assertEquals(List.of(), types(restarted.onTick(T0.plusMillis(51_000))));
        assertEquals(List.of("deployment.failed"), types(restarted.onTick(T0.plusMillis(51_001))));
    }

    @Test
    void shouldStillActOnAHostFailureThatArrivedWhileItWasDown() {
        List<Emission> record = new ArrayList<>(accept(request("d1", 2, List.of())));
        Planner restarted = replay(record, List.of());
        restarted.resume(T0.plusMillis(1_000), T0.plusMillis(60_000));

        List<Emission> out = restarted.onHostEvent(new HostEvent.CommandFailed(id(), 1, "host-1",
                commandTo(record, "host-1"), "d1", "web", "v2", "exited with code 1", T0.plusMillis(5_000)),
                T0.plusMillis(60_000));

        assertEquals(List.of("deployment.deadlines-extended", "deployment.rolling-back", "host.command.rollback"),
                types(out));
        assertEquals(List.of("host-2"), commandedHosts(out));
    }

    @Test
    void shouldStillActOnABreachThatArrivesAfterItResumed() {
        List<Emission> record = new ArrayList<>(accept(request("d1", 1, List.of())));
        Planner restarted = replay(record, List.of());
        restarted.resume(T0.plusMillis(1_000), T0.plusMillis(60_000));
        restarted.onTick(T0.plusMillis(60_000));

        List<Emission> out = restarted.onRollback(new RollbackCommand(id(), 1, "d1", "web", "error rate 30% > 10%",
                "b1", null, T0.plusMillis(61_000)), T0.plusMillis(61_000));

        assertEquals(List.of("deployment.rolling-back", "host.command.rollback"), types(out));
    }

    @Test
    void shouldNotExtendADeploymentThatStartedAfterItResumed() {
        planner.resume(T0.minusMillis(5_000), T0);
        accept(request("d1", 1, List.of()));

        assertEquals(List.of(), types(planner.onTick(T0.plusMillis(1))));
        assertEquals(T0.plusMillis(10_000), planner.deployment("d1").orElseThrow().batchDeadline());
    }

    // ---- executor liveness ----

    @Test
    void shouldRefuseADeploymentToAHostWhoseExecutorIsGoneNamingIt() {
        heartbeat("host-2", T0);

        Planner.Result refused = planner.onRequest(request("d1", 1, List.of("host-1", "host-2")), T0.plusMillis(6_001));

        assertFalse(refused.isAccepted());
        assertEquals("Target hosts gone", refused.rejection().title());
        assertEquals(List.of(new Violation("hosts", "host-2's executor is gone: no heartbeat for 6.0s (3 intervals of 2.0s"
                + " missed; last from executor-1 at 2026-11-23T10:00:00Z)")), refused.rejection().violations());
        assertTrue(planner.onRequest(request("d2", 1, List.of("host-1", "host-2")), T0.plusMillis(6_000)).isAccepted(),
                "three intervals, not yet more");
    }

    @Test
    void shouldKeepUsingAHostWhoseExecutorNeverSentAHeartbeat() {
        assertTrue(planner.onRequest(request("d1", 1, List.of("host-3")), T0.plusSeconds(3_600)).isAccepted());
        assertFalse(planner.isExecutorGone("host-3", T0.plusSeconds(3_600)));
    }

    @Test
    void shouldCountAHostAliveAgainOnceAHeartbeatComes() {
        heartbeat("host-2", T0);
        assertTrue(planner.isExecutorGone("host-2", T0.plusMillis(10_000)));

        planner.onHostEvent(new HostEvent.Heartbeat(id(), 1, "host-2", "executor-2", 2_000, T0.plusMillis(10_000)),
                T0.plusMillis(10_000));

        assertFalse(planner.isExecutorGone("host-2", T0.plusMillis(10_000)));
        assertTrue(planner.onRequest(request("d1", 1, List.of("host-2")), T0.plusMillis(10_000)).isAccepted());
    }

    @Test
    void shouldJudgeAHeartbeatByWhenItWasSentNotWhenItWasRead() {
        planner.onHostEvent(new HostEvent.Heartbeat(id(), 1, "host-2", "executor-2", 2_000, T0), T0.plusMillis(10_000));

        assertTrue(planner.isExecutorGone("host-2", T0.plusMillis(10_000)), "a backlog must not revive a dead executor");
        assertFalse(planner.onRequest(request("d1", 1, List.of("host-2")), T0.plusMillis(10_000)).isAccepted());
    }

    @Test
    void shouldNotHoldAnExecutorToAHeartbeatWithoutAnInterval() {
        planner.onHostEvent(new HostEvent.Heartbeat(id(), 1, "host-2", "executor-2", 0, T0), T0);

        assertFalse(planner.isExecutorGone("host-2", T0.plusSeconds(3_600)));
    }

    @Test
    void shouldNotLetAClockRunningAheadBuyAnExecutorTime() {
        planner.onHostEvent(new HostEvent.Heartbeat(id(), 1, "host-2", "executor-2", 2_000, T0.plusSeconds(3_600)), T0);

        assertTrue(planner.isExecutorGone("host-2", T0.plusMillis(6_001)));
    }

    @Test
    void shouldGiveEveryExecutorAFreshAllowanceAfterThePlannerWasDown() {
        Planner restarted = new Planner();
        restarted.observe(new HostEvent.Announced(id(), 1, "host-1", "process", T0));
        restarted.observe(new HostEvent.Heartbeat(id(), 1, "host-1", "executor-1", 2_000, T0));
        restarted.resume(T0, T0.plusMillis(60_000));

        assertFalse(restarted.isExecutorGone("host-1", T0.plusMillis(66_000)));
        assertTrue(restarted.isExecutorGone("host-1", T0.plusMillis(66_001)));
    }

    @Test
    void shouldRollBackNamingAHostWhoseExecutorWentAwayBeforeAnsweringItsDeploy() {
        heartbeat("host-1", T0);
        heartbeat("host-2", T0);
        accept(request("d1", 2, List.of("host-1", "host-2")));
        heartbeat("host-1", T0.plusMillis(4_000));
        started("d1", "host-1");

        assertEquals(List.of(), types(planner.onTick(T0.plusMillis(6_000))));
        List<Emission> out = planner.onTick(T0.plusMillis(6_001));

        assertEquals(List.of("deployment.rolling-back", "host.command.rollback", "host.command.rollback"), types(out));
        assertEquals("host-2's executor is gone: no heartbeat for 6.0s (3 intervals of 2.0s missed; last from executor-1"
                + " at 2026-11-23T10:00:00Z); host-2 never answered the deploy of v2",
                ((DeploymentEvent.RollingBack) out.get(0).event()).reason());

        List<Emission> afterHost1 = planner.onHostEvent(new HostEvent.RolledBack(id(), 1, "host-1",
                commandTo(out, "host-1"), "d1", "web", "v1", null, T0.plusMillis(7_000)), T0.plusMillis(7_000));
        assertEquals(List.of("deployment.failed"), types(afterHost1));
        assertEquals("host-2 could not be rolled back: host-2's executor is gone: no heartbeat for 7.0s (3 intervals of"
                + " 2.0s missed; last from executor-1 at 2026-11-23T10:00:00Z); the rollback waits on host.commands until"
                + " an executor serves host-2 again", ((DeploymentEvent.Failed) afterHost1.get(0).event()).reason());
    }

    @Test
    void shouldNotStartABatchOnAHostWhoseExecutorIsGone() {
        heartbeat("host-2", T0);
        accept(request("d1", 1, List.of("host-1", "host-2")));
        started("d1", "host-1");
        probe("host-1", true, 0);

        List<Emission> out = probe("host-1", true, 7_000);

        assertEquals(List.of("deployment.batch.completed", "deployment.rolling-back", "host.command.rollback"), types(out));
        assertEquals(List.of("host-1"), commandedHosts(out));
        assertEquals("batch 2/2 not started: host-2's executor is gone: no heartbeat for 7.0s (3 intervals of 2.0s"
                + " missed; last from executor-1 at 2026-11-23T10:00:00Z)",
                ((DeploymentEvent.RollingBack) out.get(1).event()).reason());
    }

    @Test
    void shouldNotJudgeAHostThatAnsweredItsDeployByItsExecutorsHeartbeats() {
        heartbeat("host-1", T0);
        accept(request("d1", 1, List.of("host-1")));
        started("d1", "host-1");

        assertEquals(List.of(), types(planner.onTick(T0.plusMillis(9_000))), "its instance runs; probes judge it");
    }

    // ---- the host view ----

    @Test
    void shouldKnowWhatEachHostRunsAfterARollback() {
        List<Emission> started = accept(request("d1", 1, List.of("host-1")));
        started("d1", "host-1");
        assertEquals("v2", planner.fleet().versionOn("host-1", "web"));
        List<Emission> rollback = planner.onRollback(new RollbackCommand(id(), 1, "d1", "web", "bad", null, "alice", T0), T0);
        planner.onHostEvent(new HostEvent.RolledBack(id(), 1, "host-1", commandTo(rollback, "host-1"), "d1", "web", "v1",
                new Instance("host-1/web/v1b", "http://h", "http://h/health"), T0), T0);
        assertEquals("v1", planner.fleet().versionOn("host-1", "web"));

        DeployRequest first = new DeployRequest(id(), 1, "a1", "api", "v1", RunSpec.process(List.of("api"), Map.of()),
                List.of("host-2"), 1, POLICY, "test", T0);
        List<Emission> apiStarted = planner.onRequest(first, T0).emissions();
        planner.onHostEvent(new HostEvent.Started(id(), 1, "host-2", commandTo(apiStarted, "host-2"), "a1", "api", "v1",
                new Instance("host-2/api/v1", "http://h", "http://h/health"), T0), T0);
        List<Emission> apiRollback = planner.onRollback(new RollbackCommand(id(), 1, "a1", "api", "bad", null, "alice", T0), T0);
        planner.onHostEvent(new HostEvent.RolledBack(id(), 1, "host-2", commandTo(apiRollback, "host-2"), "a1", "api", null,
                null, T0), T0);

        assertNull(planner.fleet().versionOn("host-2", "api"), "nothing ran before api v1");
        assertEquals(Set.of(), planner.fleet().hostsRunning("api"));
        Map<String, String> expected = new java.util.TreeMap<>();
        expected.put("api", null);
        expected.put("web", "v1");
        assertEquals(expected, planner.fleet().versionsOn("host-2"));
        assertEquals(Phase.ROLLED_BACK, planner.deployment("a1").orElseThrow().phase());
    }

    // ---- helpers ----

    /** The id of the latest host command in {@code out} addressed to {@code host}. */
    private static String commandTo(List<Emission> out, String host) {
        return out.stream().filter(e -> e.event() instanceof HostCommand && e.key().equals(host))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no command to " + host)).event().eventId();
    }

    private static String deployTo(List<Emission> out, String host) {
        return out.stream().filter(e -> e.event() instanceof HostCommand.Deploy && e.key().equals(host))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no deploy to " + host)).event().eventId();
    }

    private static String rollbackTo(List<Emission> out, String host) {
        return out.stream().filter(e -> e.event() instanceof HostCommand.Rollback && e.key().equals(host))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no rollback to " + host)).event().eventId();
    }

    /** A planner rebuilt as after a restart: deploy.events from {@code record}, then {@code hostEvents}. */
    private static Planner replay(List<Emission> record, List<? extends HostEvent> hostEvents) {
        Planner replayed = new Planner();
        for (String host : List.of("host-1", "host-2", "host-3")) {
            replayed.observe(new HostEvent.Announced(id(), 1, host, "process", T0));
        }
        record.stream().filter(e -> e.topic() == Topics.DEPLOY_EVENTS).forEach(e -> replayed.apply((DeploymentEvent) e.event()));
        hostEvents.forEach(replayed::observe);
        return replayed;
    }

    private void heartbeat(String host, Instant at) {
        planner.onHostEvent(new HostEvent.Heartbeat(id(), 1, host, "executor-1", 2_000, at), at);
    }

    private static HostEvent.Started startedEvent(String deploymentId, String host) {
        return new HostEvent.Started(id(), 1, host, id(), deploymentId, "web", "v2",
                new Instance(host + "/web/v2", "http://h", "http://h/health"), T0);
    }

    private List<Emission> accept(DeployRequest request) {
        Planner.Result result = planner.onRequest(request, T0);
        assertTrue(result.isAccepted(), () -> String.valueOf(result.rejection()));
        return result.emissions();
    }

    private void started(String deploymentId, String host) {
        planner.onHostEvent(new HostEvent.Started(id(), 1, host, id(), deploymentId, "web", "v2",
                new Instance(host + "/web/v2", "http://h", "http://h/health"), T0), T0);
    }

    private List<Emission> rolledBack(String deploymentId, String host) {
        return planner.onHostEvent(new HostEvent.RolledBack(id(), 1, host, id(), deploymentId, "web", "v1",
                new Instance(host + "/web/v1b", "http://h", "http://h/health"), T0), T0);
    }

    private List<Emission> probe(String host, boolean ok, long atMs) {
        return feed.probe(planner, probeOf("v2", host, ok, atMs), T0.plusMillis(atMs));
    }

    private static ProbeResult probeOf(String version, String host, boolean ok, long atMs) {
        return new ProbeResult(id(), 1, "web", version, host, host + "/web/" + version, ok, ok ? 200 : 500, 5,
                T0.plusMillis(atMs), null);
    }

    private static DeployRequest request(String deploymentId, int batchSize, List<String> hosts) {
        return new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, deploymentId, "web", "v2",
                RunSpec.process(List.of("web", "--port", "{port}"), Map.of()), hosts, batchSize, POLICY, "test", T0);
    }

    private static List<String> types(List<Emission> out) {
        return out.stream().map(e -> e.event().typeName()).toList();
    }

    private static List<String> commandedHosts(List<Emission> out) {
        return out.stream().filter(e -> e.event() instanceof HostCommand).map(Emission::key).toList();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
