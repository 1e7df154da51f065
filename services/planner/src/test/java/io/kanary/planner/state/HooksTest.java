package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.Topics;
import io.kanary.schema.ControlCommand;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Hooks;
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

/** Pre-deploy hooks and smoke tests on the state machine: each gates what follows it, and a failure rolls back. */
class HooksTest {
    private final ProbeFeed feed = new ProbeFeed();
    private static final Instant T0 = Instant.parse("2026-12-02T03:00:00Z");
    /** 2 good probes spanning 1 s pass a gate; a batch has 10 s to become healthy. */
    private static final Policy POLICY = new Policy(0.1, 500L, 5_000L, 10, 200L, 2, 1_000L, 10_000L);
    private static final Hooks.PreDeploy BACKUP = new Hooks.PreDeploy(List.of("/usr/local/bin/backup-db"), 60_000L, null);
    private static final Hooks.Smoke SMOKE = new Hooks.Smoke(List.of("/usr/local/bin/smoke", "--port", "{port}"),
            20_000L, List.of());

    private final Planner planner = new Planner();
    /** Everything the planner published, in order: deploy.events are what a restarted planner replays. */
    private final List<Emission> record = new ArrayList<>();

    @BeforeEach
    void fleetOfTwoHostsOnV1() {
        for (String host : List.of("host-1", "host-2")) {
            planner.observe(new HostEvent.Announced(id(), 1, host, "process", T0));
            planner.observe(new HostEvent.Started(id(), 1, host, id(), "old", "web", "v1",
                    new Instance(host + "/web/v1", "http://h", "http://h/health"), T0));
        }
    }

    @Test
    void shouldSendThePreDeployHookWithTheStartAndStartBatchOneOnlyWhenItPasses() {
        List<Emission> out = accept(new Hooks(BACKUP, null));

        assertEquals(List.of("deployment.started", "host.command.run-hook"), types(out));
        HostCommand.RunHook hook = (HostCommand.RunHook) out.get(1).event();
        String startedId = out.get(0).event().eventId();
        assertEquals(CommandIds.preDeployHook(startedId, "host-1"), hook.eventId());
        assertEquals("host-1", hook.hostId());
        assertEquals("pre-deploy", hook.hook());
        assertEquals(List.of("/usr/local/bin/backup-db"), hook.command());
        assertEquals(60_000L, hook.timeoutMs());
        assertEquals("v2", hook.env().get("KANARY_VERSION"));
        assertEquals(startedId, out.get(1).causationId());
        assertEquals("pre-deploy hook running on host-1", planner.deployment("d1").orElseThrow().hookProgress());
        assertTrue(planner.onTick(T0.plusMillis(5_000)).isEmpty(), "batch 1 waits for the hook");

        HostEvent.HookFinished passed = finished(hook, true, 0, "backup done\n", null);
        List<Emission> next = planner.onHostEvent(passed, T0.plusMillis(6_000));

        assertEquals(List.of("deployment.batch.started", "host.command.deploy"), types(next));
        assertEquals(passed.eventId(), next.get(0).causationId());
        assertNull(planner.deployment("d1").orElseThrow().hookProgress());
    }

    @Test
    void shouldHoldTheFirstBatchOfAPausedDeploymentAfterItsPreDeployHookPassedUntilResume() {
        HostCommand.RunHook hook = (HostCommand.RunHook) accept(new Hooks(BACKUP, null)).get(1).event();
        assertTrue(planner.onControl(new ControlCommand("c1", 1, "d1", "web", ControlCommand.Action.PAUSE, null, "alice",
                null, T0), T0).isAccepted());

        assertTrue(planner.onHostEvent(finished(hook, true, 0, "", null), T0.plusMillis(1_000)).isEmpty());
        assertEquals("pre-deploy hook passed on host-1", planner.deployment("d1").orElseThrow().hookProgress());
        List<Emission> out = planner.onControl(new ControlCommand("c2", 1, "d1", "web", ControlCommand.Action.RESUME,
                null, "alice", null, T0), T0.plusMillis(2_000)).emissions();

        assertEquals(List.of("deployment.resumed", "deployment.batch.started", "host.command.deploy"), types(out));
    }

    @Test
    void shouldRunThePreDeployHookOnTheHostItNames() {
        List<Emission> out = accept(new Hooks(new Hooks.PreDeploy(List.of("/usr/local/bin/backup-db"), null, "host-2"), null));

        HostCommand.RunHook hook = (HostCommand.RunHook) out.get(1).event();
        assertEquals("host-2", hook.hostId());
        assertEquals(300_000L, hook.timeoutMs());
    }

    @Test
    void shouldRefuseAPreDeployHookOnAHostNobodyAnnounced() {
        DeployRequest request = new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, "d1", "web", "v2",
                RunSpec.process(List.of("web"), Map.of()), List.of(), 1, POLICY, "test", T0)
                .withHooks(new Hooks(new Hooks.PreDeploy(List.of("/usr/local/bin/backup-db"), null, "db-1"), null));

        Planner.Result result = planner.onRequest(request, T0);

        assertEquals(List.of(new Violation("hooks.preDeploy.host", "unknown host db-1; known hosts: [host-1, host-2]")),
                result.rejection().violations());
    }

    @Test
    void shouldRollBackWithTheExitCodeAndOutputTailWhenThePreDeployHookFails() {
        HostCommand.RunHook hook = (HostCommand.RunHook) accept(new Hooks(BACKUP, null)).get(1).event();

        List<Emission> out = planner.onHostEvent(finished(hook, false, 3,
                "connecting to db\npg_dump: error: connection to server failed\n", "the hook exited with 3, expected 0"),
                T0.plusMillis(2_000));

        assertEquals(List.of("deployment.rolling-back", "deployment.rolled-back"), types(out));
        DeploymentEvent.RollingBack rb = (DeploymentEvent.RollingBack) out.get(0).event();
        assertEquals("pre-deploy hook failed on host-1: the hook exited with 3, expected 0 (exit 3); output: "
                + "connecting to db\npg_dump: error: connection to server failed", rb.reason());
        assertEquals("planner", rb.by());
        assertEquals(List.of(), rb.hosts());
        assertEquals(Phase.ROLLED_BACK, planner.deployment("d1").orElseThrow().phase());
    }

    @Test
    void shouldQuoteOnlyTheLast500CharactersOfTheOutputInTheReason() {
        HostCommand.RunHook hook = (HostCommand.RunHook) accept(new Hooks(BACKUP, null)).get(1).event();
        String tail = "x".repeat(1_000) + "y".repeat(500);

        List<Emission> out = planner.onHostEvent(finished(hook, false, 1, tail, "the hook exited with 1, expected 0"),
                T0.plusMillis(2_000));

        String reason = ((DeploymentEvent.RollingBack) out.get(0).event()).reason();
        assertEquals("pre-deploy hook failed on host-1: the hook exited with 1, expected 0 (exit 1); output: …"
                + "y".repeat(500), reason);
    }

    @Test
    void shouldRunTheSmokeTestOnEveryHostOfABatchOnceItsGatesPassAndAdvanceWhenAllPass() {
        accept(new Hooks(null, SMOKE), 2);
        passGates("host-1", "host-2");
        List<Emission> out = probe("host-2", true, 1_000);

        assertEquals(List.of("deployment.hook.requested", "host.command.run-hook", "host.command.run-hook"), types(out));
        DeploymentEvent.HookRequested requested = (DeploymentEvent.HookRequested) out.get(0).event();
        assertEquals("smoke batch 1", requested.hook());
        assertEquals(List.of("host-1", "host-2"), requested.hosts());
        HostCommand.RunHook onHost1 = (HostCommand.RunHook) out.get(1).event();
        HostCommand.RunHook onHost2 = (HostCommand.RunHook) out.get(2).event();
        assertEquals(CommandIds.smokeHook(requested.eventId(), "host-1"), onHost1.eventId());
        assertEquals(List.of("/usr/local/bin/smoke", "--port", "{port}"), onHost2.command());
        assertEquals("smoke batch 1", onHost2.hook());
        assertEquals(20_000L, onHost2.timeoutMs());

        assertTrue(planner.onHostEvent(finished(onHost1, true, 0, "ok\n", null), T0.plusMillis(2_000)).isEmpty());
        assertEquals("smoke batch 1 hook running on host-2; passed on host-1",
                planner.deployment("d1").orElseThrow().hookProgress());
        List<Emission> done = planner.onHostEvent(finished(onHost2, true, 0, "ok\n", null), T0.plusMillis(3_000));

        assertEquals(List.of("deployment.batch.completed", "deployment.succeeded"), types(done));
    }

    @Test
    void shouldStartTheNextBatchOnlyAfterTheSmokeTestOfThePreviousOnePassed() {
        accept(new Hooks(null, SMOKE), 1);
        passGates("host-1");
        List<Emission> smoke = probe("host-1", true, 1_000);
        assertEquals(List.of("deployment.hook.requested", "host.command.run-hook"), types(smoke));

        List<Emission> out = planner.onHostEvent(finished((HostCommand.RunHook) smoke.get(1).event(), true, 0, "", null),
                T0.plusMillis(2_000));

        assertEquals(List.of("deployment.batch.completed", "deployment.batch.started", "host.command.deploy"), types(out));
        assertEquals(List.of("host-2"), ((DeploymentEvent.BatchStarted) out.get(1).event()).hosts());
    }

    @Test
    void shouldRollBackEveryUpdatedHostWhenTheSmokeTestFailsOnOne() {
        accept(new Hooks(null, SMOKE), 2);
        passGates("host-1", "host-2");
        List<Emission> smoke = probe("host-2", true, 1_000);
        planner.onHostEvent(finished((HostCommand.RunHook) smoke.get(1).event(), true, 0, "", null), T0.plusMillis(2_000));

        List<Emission> out = planner.onHostEvent(finished((HostCommand.RunHook) smoke.get(2).event(), false, 2,
                "GET /checkout: 500\n", "the hook exited with 2, expected 0"), T0.plusMillis(3_000));

        assertEquals(List.of("deployment.rolling-back", "host.command.rollback", "host.command.rollback"), types(out));
        DeploymentEvent.RollingBack rb = (DeploymentEvent.RollingBack) out.get(0).event();
        assertEquals("smoke batch 1 hook failed on host-2: the hook exited with 2, expected 0 (exit 2); output: "
                + "GET /checkout: 500", rb.reason());
        assertEquals(List.of("host-1", "host-2"), rb.hosts());
    }

    @Test
    void shouldActOnceOnADuplicateHookReportAndIgnoreOneThatComesLate() {
        HostCommand.RunHook hook = (HostCommand.RunHook) accept(new Hooks(BACKUP, null)).get(1).event();
        HostEvent.HookFinished passed = finished(hook, true, 0, "", null);
        assertEquals(List.of("deployment.batch.started", "host.command.deploy"),
                types(planner.onHostEvent(passed, T0.plusMillis(1_000))));

        HostEvent.HookFinished again = new HostEvent.HookFinished(id(), 1, "host-1", hook.eventId(), "d1", "web",
                "pre-deploy", true, 0, false, "", null, T0.plusMillis(1_500));
        assertTrue(planner.onHostEvent(again, T0.plusMillis(1_500)).isEmpty());
        HostEvent.HookFinished contrary = finished(hook, false, 1, "", "the hook exited with 1, expected 0");
        assertTrue(planner.onHostEvent(contrary, T0.plusMillis(2_000)).isEmpty());
        assertEquals(Phase.ROLLING, planner.deployment("d1").orElseThrow().phase());
        assertEquals(0, planner.deployment("d1").orElseThrow().batch());
    }

    @Test
    void shouldRollBackWhenNoHostReportsTheHookWithinItsTimeoutAndTheSlack() {
        String startedId = accept(new Hooks(BACKUP, null)).get(0).event().eventId();

        assertTrue(planner.onTick(T0.plusMillis(90_000)).isEmpty(), "60 s timeout + 30 s to report");
        List<Emission> out = planner.onTick(T0.plusMillis(90_001));

        assertEquals(List.of("deployment.rolling-back", "deployment.rolled-back"), types(out));
        assertEquals("pre-deploy hook: host-1 did not report within 90.0s (its timeout 60.0s plus 30.0s to report); "
                + "is the executor of host-1 running?", ((DeploymentEvent.RollingBack) out.get(0).event()).reason());
        assertEquals(startedId, out.get(0).causationId());
    }

    @Test
    void shouldRollBackAtOnceWhenTheExecutorOfTheHookHostIsGone() {
        planner.onHostEvent(new HostEvent.Heartbeat(id(), 1, "host-1", "executor-1", 2_000, T0), T0);
        accept(new Hooks(BACKUP, null));

        assertTrue(planner.onTick(T0.plusMillis(6_000)).isEmpty(), "three intervals missed, not yet more");
        List<Emission> out = planner.onTick(T0.plusMillis(6_001));

        assertEquals(List.of("deployment.rolling-back", "deployment.rolled-back"), types(out));
        assertEquals("pre-deploy hook: host-1's executor is gone: no heartbeat for 6.0s (3 intervals of 2.0s missed; "
                + "last from executor-1 at 2026-12-02T03:00:00Z); host-1 never reported the hook",
                ((DeploymentEvent.RollingBack) out.get(0).event()).reason());
    }

    @Test
    void shouldCountOnlyAwakeTimeTowardsTheSmokeTestsDeadline() {
        accept(new Hooks(null, SMOKE), 2);
        passGates("host-1", "host-2");
        probe("host-2", true, 1_000); // smoke sent at T0 + 1 s: 20 s + 30 s to report

        // Down from T0 + 10 s to T0 + 70 s: the deadline moves from T0 + 51 s to T0 + 111 s.
        Planner restarted = replay(List.of());
        restarted.resume(T0.plusMillis(10_000), T0.plusMillis(70_000));
        assertEquals(List.of("deployment.deadlines-extended"), types(restarted.onTick(T0.plusMillis(70_000))));
        assertTrue(restarted.onTick(T0.plusMillis(111_000)).isEmpty());
        List<Emission> out = restarted.onTick(T0.plusMillis(111_001));

        assertEquals(List.of("deployment.rolling-back", "host.command.rollback", "host.command.rollback"), types(out));
        assertTrue(((DeploymentEvent.RollingBack) out.get(0).event()).reason()
                .startsWith("smoke batch 1 hook: host-1, host-2 did not report within 50.0s"));
    }

    @Test
    void shouldRebuildADeploymentWaitingOnItsSmokeTestAndGoOnWhenItPasses() {
        accept(new Hooks(null, SMOKE), 2);
        passGates("host-1", "host-2");
        List<Emission> smoke = probe("host-2", true, 1_000);
        HostEvent.HookFinished first = finished((HostCommand.RunHook) smoke.get(1).event(), true, 0, "", null);
        HostEvent.HookFinished second = finished((HostCommand.RunHook) smoke.get(2).event(), true, 0, "", null);

        Planner waiting = replay(List.of(first));
        assertEquals("smoke batch 1 hook running on host-2; passed on host-1",
                waiting.deployment("d1").orElseThrow().hookProgress());
        assertTrue(waiting.onTick(T0.plusMillis(2_000)).isEmpty());
        List<Emission> out = waiting.onHostEvent(second, T0.plusMillis(3_000));

        assertEquals(List.of("deployment.batch.completed", "deployment.succeeded"), types(out));
        assertEquals(second.eventId(), out.get(0).causationId());
    }

    @Test
    void shouldTakeAPreDeployHookThatPassedWhileThePlannerWasDownOnItsFirstTick() {
        HostCommand.RunHook hook = (HostCommand.RunHook) accept(new Hooks(BACKUP, null)).get(1).event();

        Planner restarted = replay(List.of(finished(hook, true, 0, "", null)));
        List<Emission> out = restarted.onTick(T0.plusMillis(5_000));

        assertEquals(List.of("deployment.batch.started", "host.command.deploy"), types(out));
    }

    // ---- helpers ----

    private List<Emission> accept(Hooks hooks) {
        return accept(hooks, 1);
    }

    private List<Emission> accept(Hooks hooks, int batchSize) {
        DeployRequest request = new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, "d1", "web", "v2",
                RunSpec.process(List.of("web", "--port", "{port}"), Map.of()), List.of("host-1", "host-2"), batchSize,
                POLICY, "test", T0).withHooks(hooks);
        Planner.Result result = planner.onRequest(request, T0);
        assertTrue(result.isAccepted(), () -> String.valueOf(result.rejection()));
        record.addAll(result.emissions());
        return result.emissions();
    }

    /** Each host starts v2 and gets a first good probe; one more good probe a second later passes its gate. */
    private void passGates(String... hosts) {
        for (String host : hosts) {
            planner.onHostEvent(new HostEvent.Started(id(), 1, host, id(), "d1", "web", "v2",
                    new Instance(host + "/web/v2", "http://h", "http://h/health"), T0), T0);
            probe(host, true, 0);
        }
        for (int i = 0; i < hosts.length - 1; i++) {
            probe(hosts[i], true, 1_000);
        }
    }

    private List<Emission> probe(String host, boolean ok, long atMs) {
        List<Emission> out = feed.probe(planner, new ProbeResult(id(), 1, "web", "v2", host, host + "/web/v2", ok,
                ok ? 200 : 500, 5, T0.plusMillis(atMs), null), T0.plusMillis(atMs));
        record.addAll(out);
        return out;
    }

    private static HostEvent.HookFinished finished(HostCommand.RunHook hook, boolean ok, Integer exitCode, String tail,
                                                   String reason) {
        return new HostEvent.HookFinished(id(), 1, hook.hostId(), hook.eventId(), hook.deploymentId(), hook.service(),
                hook.hook(), ok, exitCode, false, tail, reason, T0);
    }

    /** A planner rebuilt as after a restart: the fleet, deploy.events as recorded so far, then {@code hookReports}. */
    private Planner replay(List<HostEvent.HookFinished> hookReports) {
        Planner replayed = new Planner();
        for (String host : List.of("host-1", "host-2")) {
            replayed.observe(new HostEvent.Announced(id(), 1, host, "process", T0));
        }
        record.stream().filter(e -> e.topic() == Topics.DEPLOY_EVENTS).forEach(e -> replayed.apply((DeploymentEvent) e.event()));
        hookReports.forEach(replayed::observe);
        return replayed;
    }

    private static List<String> types(List<Emission> out) {
        return out.stream().map(e -> e.event().typeName()).toList();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
