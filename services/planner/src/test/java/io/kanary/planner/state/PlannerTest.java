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
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PlannerTest {
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

        planner.onProbe(probeOf("v1", "host-1", true, 0), T0);
        planner.onProbe(probeOf("v1", "host-1", true, 2_000), T0);

        assertFalse(planner.deployment("d1").orElseThrow().gates().get("host-1").passed());
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
    void shouldRollBackWhenAHostCannotStartTheNewVersion() {
        accept(request("d1", 1, List.of()));
        List<Emission> out = planner.onHostEvent(new HostEvent.CommandFailed(id(), 1, "host-1", id(), "d1", "web", "v2",
                "exited with code 1", T0), T0);

        assertEquals(List.of("deployment.rolling-back", "host.command.rollback"), types(out));
        assertTrue(((DeploymentEvent.RollingBack) out.get(0).event()).reason().contains("exited with code 1"));
    }

    @Test
    void shouldFailWhenAHostCannotBeRolledBack() {
        accept(request("d1", 1, List.of()));
        planner.onRollback(new RollbackCommand(id(), 1, "d1", "web", "bad", null, "alice", T0), T0);
        List<Emission> out = planner.onHostEvent(new HostEvent.CommandFailed(id(), 1, "host-1", id(), "d1", "web", "v2",
                "no previous version", T0), T0);

        assertEquals(List.of("deployment.failed"), types(out));
        assertEquals(Phase.FAILED, planner.deployment("d1").orElseThrow().phase());
    }

    @Test
    void shouldRefuseASecondActiveDeploymentOfTheSameServiceAsAConflict() {
        accept(request("d1", 1, List.of()));
        Planner.Result second = planner.onRequest(request("d2", 1, List.of()), T0);

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

    // ---- helpers ----

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
        return planner.onProbe(probeOf("v2", host, ok, atMs), T0.plusMillis(atMs));
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
