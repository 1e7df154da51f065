package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.Topics;
import io.kanary.schema.ControlCommand;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.PlannedStep;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import io.kanary.schema.RunSpec;
import io.kanary.schema.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Steps: host-count and percentage batches, timed pauses that end by the tick, approvals that wait for promote. */
class StepsTest {
    private final ProbeFeed feed = new ProbeFeed();
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    /** 2 good probes spanning 1 s pass a gate; a batch has 10 s to become healthy. */
    private static final Policy POLICY = new Policy(0.1, 500L, 5_000L, 10, 200L, 2, 1_000L, 10_000L);
    private static final List<String> HOSTS = List.of("host-1", "host-2", "host-3", "host-4");

    private final Planner planner = new Planner();
    private final List<Emission> record = new ArrayList<>();

    @BeforeEach
    void fleetOfFourHostsOnV1() {
        for (String host : HOSTS) {
            planner.observe(new HostEvent.Announced(id(), 1, host, "process", T0));
            planner.observe(new HostEvent.Started(id(), 1, host, id(), "old", "web", "v1",
                    new Instance(host + "/web/v1", "http://h", "http://h/health"), T0));
        }
    }

    @Test
    void shouldPlanHostCountAndPercentageBatchesWithPausesAndApprovals() {
        List<PlannedStep> plan = StepPlanner.plan(HOSTS, request(List.of(Step.ofHosts(1), Step.pauseFor("2m"),
                Step.ofPercent(50), Step.approvalStep(), Step.ofPercent(100))));

        assertEquals(List.of(PlannedStep.batch(List.of("host-1")), PlannedStep.pause(120_000),
                PlannedStep.batch(List.of("host-2")), PlannedStep.approval(),
                PlannedStep.batch(List.of("host-3", "host-4"))), plan);
    }

    @Test
    void shouldRoundPercentagesUpTakeAtLeastOneHostAndPutTheRestInAFinalBatch() {
        List<PlannedStep> plan = StepPlanner.plan(HOSTS, request(List.of(Step.ofPercent(10), Step.ofPercent(20),
                Step.pauseFor("500ms"))));

        assertEquals(List.of(PlannedStep.batch(List.of("host-1")), PlannedStep.batch(List.of("host-2")),
                PlannedStep.pause(500), PlannedStep.batch(List.of("host-3", "host-4"))), plan);
    }

    @Test
    void shouldRecordThePlanInTheStartedEventSoReplayRebuildsIt() {
        accept(List.of(Step.ofHosts(1), Step.pauseFor("30s"), Step.ofPercent(100)));

        DeploymentEvent.Started started = (DeploymentEvent.Started) record.get(0).event();
        assertEquals(List.of(PlannedStep.batch(List.of("host-1")), PlannedStep.pause(30_000),
                PlannedStep.batch(List.of("host-2", "host-3", "host-4"))), started.steps());
        assertEquals(List.of(List.of("host-1"), List.of("host-2", "host-3", "host-4")), started.batches());
    }

    @Test
    void shouldWaitAfterABatchAndGoOnByTheTickOnceATimedPauseIsOver() {
        accept(List.of(Step.ofHosts(1), Step.pauseFor("30s"), Step.ofPercent(100)));
        passGate("host-1", 0);

        Deployment d = planner.deployment("d1").orElseThrow();
        assertEquals(Phase.WAITING, d.phase());
        assertEquals(T0.plusMillis(1_000 + 30_000), d.waitingUntil());
        assertTrue(planner.onTick(T0.plusMillis(31_000)).isEmpty(), "the pause is not over yet");
        List<Emission> out = planner.onTick(T0.plusMillis(31_001));

        assertEquals(List.of("deployment.batch.started", "host.command.deploy", "host.command.deploy",
                "host.command.deploy"), types(out));
        assertEquals(Phase.ROLLING, d.phase());
    }

    @Test
    void shouldCountOnlyAwakeTimeInATimedPause() {
        accept(List.of(Step.ofHosts(1), Step.pauseFor("30s"), Step.ofPercent(100)));
        passGate("host-1", 0);
        Planner replayed = replay();

        replayed.resume(T0.plusMillis(11_000), T0.plusMillis(71_000)); // down 60 s, 10 s into the pause
        List<Emission> first = replayed.onTick(T0.plusMillis(71_000));

        assertEquals(List.of("deployment.deadlines-extended"), types(first));
        assertEquals(T0.plusMillis(91_000), replayed.deployment("d1").orElseThrow().waitingUntil());
        assertTrue(replayed.onTick(T0.plusMillis(91_000)).isEmpty());
        assertEquals("deployment.batch.started", replayed.onTick(T0.plusMillis(91_001)).get(0).event().typeName());
    }

    @Test
    void shouldHoldAnApprovalUntilPromoted() {
        accept(List.of(Step.ofHosts(1), Step.approvalStep(), Step.ofPercent(100)));
        passGate("host-1", 0);
        assertEquals(List.of(), planner.onTick(T0.plusSeconds(3_600)));
        Deployment d = planner.deployment("d1").orElseThrow();
        assertEquals(Phase.WAITING, d.phase());
        assertNull(d.waitingUntil());

        List<Emission> out = control(ControlCommand.Action.PROMOTE, false).emissions();

        assertEquals(List.of("deployment.promoted", "deployment.batch.started", "host.command.deploy",
                "host.command.deploy", "host.command.deploy"), types(out));
    }

    @Test
    void shouldSkipEveryRemainingWaitAfterAFullPromoteButStillRunTheBatches() {
        accept(List.of(Step.ofHosts(1), Step.approvalStep(), Step.ofHosts(1), Step.pauseFor("1h"), Step.ofPercent(100)));
        control(ControlCommand.Action.PROMOTE, true);
        passGate("host-1", 0);

        assertEquals(List.of("host-2"), planner.deployment("d1").orElseThrow().currentBatchHosts());
        passGate("host-2", 2_000);

        assertEquals(List.of("host-3", "host-4"), planner.deployment("d1").orElseThrow().currentBatchHosts());
        assertEquals(Phase.ROLLING, planner.deployment("d1").orElseThrow().phase());
    }

    @Test
    void shouldStillRollBackOnABreachDuringAPause() {
        accept(List.of(Step.ofHosts(1), Step.pauseFor("10m"), Step.ofPercent(100)));
        passGate("host-1", 0);

        List<Emission> out = planner.onRollback(new RollbackCommand(id(), 1, "d1", "web", "error rate 30% > 10%", "b1",
                null, T0), T0.plusSeconds(5));

        assertEquals(List.of("deployment.rolling-back", "host.command.rollback"), types(out));
    }

    @Test
    void shouldSucceedAfterAPauseThatIsTheLastStep() {
        accept(List.of(Step.ofPercent(100), Step.pauseFor("1m")));
        for (String host : HOSTS) {
            started(host);
            probe(host, 0);
        }
        HOSTS.forEach(h -> probe(h, 1_000));

        assertEquals(Phase.WAITING, planner.deployment("d1").orElseThrow().phase());
        assertEquals(List.of("deployment.succeeded"), types(planner.onTick(T0.plusMillis(61_001))));
    }

    @Test
    void shouldRebuildAWaitingDeploymentByReplay() {
        accept(List.of(Step.ofHosts(1), Step.approvalStep(), Step.ofPercent(100)));
        passGate("host-1", 0);

        Deployment d = replay().deployment("d1").orElseThrow();

        assertEquals(Phase.WAITING, d.phase());
        assertEquals(1, d.step());
        assertEquals(PlannedStep.APPROVAL, d.currentStep().kind());
    }

    @Test
    void shouldRefuseStepsThatBreakTheirRules() {
        List<Violation> violations = RequestValidator.validate(request(List.of(Step.ofHosts(0), Step.ofPercent(101),
                Step.pauseFor("soon"))));

        assertEquals(List.of("steps[0].hosts", "steps[1].percent", "steps[2].pause"),
                violations.stream().map(Violation::field).toList());
    }

    @Test
    void shouldRefuseStepsWithABatchSizeButTakeStepsWithout() {
        DeployRequest both = new DeployRequest(id(), 1, "d1", "web", "v2", RunSpec.process(List.of("web"), Map.of()), HOSTS,
                2, POLICY, "test", T0, List.of(Step.ofHosts(1)), null, null, null, null, null);

        assertEquals(List.of("steps"), RequestValidator.validate(both).stream().map(Violation::field).toList());
        assertNull(request(List.of(Step.ofHosts(1))).batchSize());
        assertEquals(List.of(), RequestValidator.validate(request(List.of(Step.ofHosts(1)))));
    }

    private void accept(List<Step> steps) {
        Planner.Result result = planner.onRequest(request(steps), T0);
        assertTrue(result.isAccepted(), () -> String.valueOf(result.rejection()));
        record.addAll(result.emissions());
    }

    private void passGate(String host, long atMs) {
        started(host);
        probe(host, atMs);
        probe(host, atMs + 1_000);
    }

    private Planner.Result control(ControlCommand.Action action, boolean full) {
        Planner.Result result = planner.onControl(new ControlCommand(id(), 1, "d1", "web", action, full, "alice", null, T0), T0);
        record.addAll(result.emissions());
        return result;
    }

    private Planner replay() {
        Planner replayed = new Planner();
        record.stream().filter(e -> e.topic() == Topics.DEPLOY_EVENTS).forEach(e -> replayed.apply((DeploymentEvent) e.event()));
        return replayed;
    }

    private void started(String host) {
        record.addAll(planner.onHostEvent(new HostEvent.Started(id(), 1, host, id(), "d1", "web", "v2",
                new Instance(host + "/web/v2", "http://h", "http://h/health"), T0), T0));
    }

    private void probe(String host, long atMs) {
        record.addAll(feed.probe(planner, new ProbeResult(id(), 1, "web", "v2", host, host + "/web/v2", true, 200, 5,
                T0.plusMillis(atMs), null), T0.plusMillis(atMs)));
    }

    private static DeployRequest request(List<Step> steps) {
        return new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, "d1", "web", "v2",
                RunSpec.process(List.of("web", "--port", "{port}"), Map.of()), HOSTS, null, POLICY, "test", T0, steps,
                null, null, null, null, null);
    }

    private static List<String> types(List<Emission> out) {
        return out.stream().map(e -> e.event().typeName()).toList();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
