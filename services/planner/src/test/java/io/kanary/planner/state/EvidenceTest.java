package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.Topics;
import io.kanary.schema.ControlCommand;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RunSpec;
import io.kanary.security.RunAllowList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A batch whose gates passed advances only on a judgement: healthy, or inconclusive as the policy says. */
class EvidenceTest {
    private final ProbeFeed feed = new ProbeFeed();
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    /** 2 good probes spanning 1 s pass a gate; evidence may take 60 s. */
    private static final Policy BASE = new Policy(0.1, 500L, 5_000L, 10, 200L, 2, 1_000L, 10_000L);

    private final Planner planner = new Planner(RunAllowList.ANYTHING, true);
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
    void shouldHoldABatchWhoseGatesPassedUntilItIsJudged() {
        start(Policy.OnInconclusive.PAUSE);

        List<Emission> out = passGate("host-1");

        assertEquals(List.of(), types(out));
        assertEquals(0, planner.deployment("d1").orElseThrow().batch());
        assertEquals(Phase.ROLLING, planner.deployment("d1").orElseThrow().phase());
    }

    @Test
    void shouldStartTheNextBatchOnAHealthyJudgement() {
        start(Policy.OnInconclusive.PAUSE);
        passGate("host-1");

        List<Emission> out = judge(healthy(0));

        assertEquals(List.of("deployment.judged", "deployment.batch.completed", "deployment.batch.started",
                "host.command.deploy"), types(out));
        DeploymentEvent.Judged judged = (DeploymentEvent.Judged) out.get(0).event();
        assertEquals("healthy on 40 probes: error rate 0.0% (limit 10%)", judged.summary());
        assertEquals("breach-detector", judged.by());
        assertEquals(List.of("host-2"), commandedHosts(out));
    }

    @Test
    void shouldKeepAHealthyJudgementThatCameBeforeTheGatesPassed() {
        start(Policy.OnInconclusive.PAUSE);
        started("host-1");

        assertEquals(List.of("deployment.judged"), types(judge(healthy(0))));
        List<Emission> out = new ArrayList<>(probe("host-1", 0));
        out.addAll(probe("host-1", 1_000));

        assertEquals(List.of("deployment.batch.completed", "deployment.batch.started", "host.command.deploy"), types(out));
    }

    @Test
    void shouldPauseOnAnInconclusiveJudgementWhenThePolicySaysPause() {
        start(Policy.OnInconclusive.PAUSE);
        passGate("host-1");

        List<Emission> out = judge(inconclusive(0));

        assertEquals(List.of("deployment.judged", "deployment.paused"), types(out));
        Deployment d = planner.deployment("d1").orElseThrow();
        assertEquals(Phase.PAUSED, d.phase());
        assertEquals("batch 1/2 inconclusive: inconclusive after 60 s on 58 probes: healthy log-LR 1.2 of 3.0 needed,"
                + " breach 0.3 of 6.9", d.pauseReason());
        assertEquals(List.of(), types(planner.onTick(T0.plusSeconds(600))), "a held batch completes on no tick");
    }

    @Test
    void shouldGoOnWhenAnOperatorResumesAfterAnInconclusivePause() {
        start(Policy.OnInconclusive.PAUSE);
        passGate("host-1");
        judge(inconclusive(0));

        Planner.Result result = planner.onControl(new ControlCommand(id(), 1, "d1", "web", ControlCommand.Action.RESUME,
                null, "alice", "looked fine to me", T0.plusSeconds(70)), T0.plusSeconds(70));

        assertTrue(result.isAccepted());
        assertEquals(List.of("deployment.resumed", "deployment.batch.completed", "deployment.batch.started",
                "host.command.deploy"), types(result.emissions()));
    }

    @Test
    void shouldNotSucceedALastBatchHeldByAnInconclusiveJudgement() {
        start(Policy.OnInconclusive.PAUSE, 2);
        started("host-1");
        started("host-2");
        probe("host-1", 0);
        probe("host-2", 0);

        judge(inconclusive(0));
        List<Emission> out = new ArrayList<>(probe("host-1", 1_000));
        out.addAll(probe("host-2", 1_000));

        assertEquals(List.of(), types(out));
        assertEquals(Phase.PAUSED, planner.deployment("d1").orElseThrow().phase());
    }

    @Test
    void shouldRollBackOnAnInconclusiveJudgementWhenThePolicySaysRollback() {
        start(Policy.OnInconclusive.ROLLBACK);
        passGate("host-1");

        List<Emission> out = judge(inconclusive(0));

        assertEquals(List.of("deployment.judged", "deployment.rolling-back", "host.command.rollback"), types(out));
        Deployment d = planner.deployment("d1").orElseThrow();
        assertEquals(Phase.ROLLING_BACK, d.phase());
        assertTrue(d.reason().startsWith("batch 1/2 inconclusive: inconclusive after 60 s"), d.reason());
    }

    @Test
    void shouldAdvanceOnAnInconclusiveJudgementWhenThePolicySaysPass() {
        start(Policy.OnInconclusive.PASS);
        passGate("host-1");

        List<Emission> out = judge(inconclusive(0));

        assertEquals(List.of("deployment.judged", "deployment.batch.completed", "deployment.batch.started",
                "host.command.deploy"), types(out));
        assertEquals(DeploymentEvent.Judged.INCONCLUSIVE, ((DeploymentEvent.Judged) out.get(0).event()).verdict());
    }

    @Test
    void shouldActOnceOnADuplicateJudgement() {
        start(Policy.OnInconclusive.PAUSE);
        passGate("host-1");
        Judgement.Healthy judgement = healthy(0);
        judge(judgement);

        assertEquals(List.of(), types(judge(judgement)));
        assertEquals(List.of(), types(judge(inconclusive(0))), "a later judgement of a batch already judged");
        assertEquals(1, planner.deployment("d1").orElseThrow().batch());
    }

    @Test
    void shouldIgnoreAJudgementOfAnotherBatchOrAnEndedDeployment() {
        start(Policy.OnInconclusive.PAUSE);
        passGate("host-1");

        assertEquals(List.of(), types(judge(healthy(1))), "batch 2 has not started");
        judge(healthy(0));
        assertEquals(List.of(), types(judge(inconclusive(0))), "batch 1 is over");
        planner.onRollback(new io.kanary.schema.RollbackCommand(id(), 1, "d1", "web", "operator", null, "alice",
                T0.plusSeconds(5)), T0.plusSeconds(5));

        assertEquals(List.of(), types(judge(healthy(1))), "the deployment is rolling back");
        assertEquals(Phase.ROLLING_BACK, planner.deployment("d1").orElseThrow().phase());
    }

    @Test
    void shouldJudgeABatchInconclusiveItselfWhenNoJudgementComesInTime() {
        start(Policy.OnInconclusive.PAUSE);
        passGate("host-1");

        assertEquals(List.of(), types(planner.onTick(T0.plusMillis(60_000 + Deployment.EVIDENCE_SLACK_MS))),
                "still in time");
        List<Emission> out = planner.onTick(T0.plusMillis(60_001 + Deployment.EVIDENCE_SLACK_MS));

        assertEquals(List.of("deployment.judged", "deployment.paused"), types(out));
        DeploymentEvent.Judged judged = (DeploymentEvent.Judged) out.get(0).event();
        assertEquals("planner", judged.by());
        assertEquals(null, judged.judgementId());
        assertEquals("no judgement from the breach-detector within 90.0s of batch 1/2's start; is the breach-detector"
                + " running? (judged inconclusive by the planner after 90s)", judged.summary());
        assertEquals(Phase.PAUSED, planner.deployment("d1").orElseThrow().phase());
    }

    @Test
    void shouldPromoteOnGatesAloneWhenEvidenceIsNotRequired() {
        Planner gatesOnly = new Planner(RunAllowList.ANYTHING, false);
        gatesOnly.observe(new HostEvent.Announced(id(), 1, "host-1", "process", T0));
        gatesOnly.observe(new HostEvent.Announced(id(), 1, "host-2", "process", T0));
        assertTrue(gatesOnly.onRequest(request(Policy.OnInconclusive.PAUSE, 1), T0).isAccepted());
        gatesOnly.onHostEvent(startedEvent("host-1"), T0);
        feed.probe(gatesOnly, probeOf("host-1", 0), T0);

        List<Emission> out = feed.probe(gatesOnly, probeOf("host-1", 1_000), T0.plusMillis(1_000));

        assertEquals(List.of("deployment.batch.completed", "deployment.batch.started", "host.command.deploy"), types(out));
    }

    @Test
    void shouldRebuildTheSameStateFromTheRecord() {
        start(Policy.OnInconclusive.PAUSE);
        passGate("host-1");
        judge(healthy(0));
        started("host-2");
        probe("host-2", 2_000);
        probe("host-2", 3_000);
        judge(inconclusive(1));

        Planner replayed = new Planner(RunAllowList.ANYTHING, true);
        record.stream().filter(e -> e.topic() == Topics.DEPLOY_EVENTS)
                .forEach(e -> replayed.apply((DeploymentEvent) e.event()));

        Deployment live = planner.deployment("d1").orElseThrow();
        Deployment copy = replayed.deployment("d1").orElseThrow();
        assertEquals(Phase.PAUSED, copy.phase());
        assertEquals(live.phase(), copy.phase());
        assertEquals(live.batch(), copy.batch());
        assertEquals(live.pauseReason(), copy.pauseReason());
        assertEquals(live.judgementOf(0), copy.judgementOf(0));
        assertEquals(live.judgementOf(1), copy.judgementOf(1));
        assertEquals(false, copy.evidenceSettled());
        assertEquals(List.of(), types(replayed.onJudgement(healthy(1), T0.plusSeconds(80))),
                "a judgement the record already holds acts no second time after a replay");
    }

    // ---- helpers ----

    private void start(Policy.OnInconclusive then) {
        start(then, 1);
    }

    private void start(Policy.OnInconclusive then, int batchSize) {
        Planner.Result result = planner.onRequest(request(then, batchSize), T0);
        assertTrue(result.isAccepted(), () -> String.valueOf(result.rejection()));
        record.addAll(result.emissions());
    }

    private static DeployRequest request(Policy.OnInconclusive then, int batchSize) {
        return new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, "d1", "web", "v2",
                RunSpec.process(List.of("web", "--port", "{port}"), Map.of()), List.of("host-1", "host-2"), batchSize,
                BASE.withEvidenceWait(60_000L, then), "test", T0);
    }

    private List<Emission> passGate(String host) {
        started(host);
        List<Emission> out = new ArrayList<>(probe(host, 0));
        out.addAll(probe(host, 1_000));
        return out;
    }

    private void started(String host) {
        record.addAll(planner.onHostEvent(startedEvent(host), T0));
    }

    private static HostEvent.Started startedEvent(String host) {
        return new HostEvent.Started(id(), 1, host, id(), "d1", "web", "v2",
                new Instance(host + "/web/v2", "http://h", "http://h/health"), T0);
    }

    private List<Emission> probe(String host, long atMs) {
        List<Emission> out = feed.probe(planner, probeOf(host, atMs), T0.plusMillis(atMs));
        record.addAll(out);
        return out;
    }

    private static ProbeResult probeOf(String host, long atMs) {
        return new ProbeResult(id(), 1, "web", "v2", host, host + "/web/v2", true, 200, 5, T0.plusMillis(atMs), null);
    }

    private List<Emission> judge(Judgement judgement) {
        List<Emission> out = planner.onJudgement(judgement, judgement.judgedAt());
        record.addAll(out);
        return out;
    }

    private static Judgement.Healthy healthy(int batch) {
        return new Judgement.Healthy(id(), 1, "d1", "web", "v2", batch, 40, 0.0, 6.0, "mSPRT error rate < limit",
                3.1, 2.996, "healthy on 40 probes: error rate 0.0% (limit 10%)", T0.plusSeconds(4 + 60L * batch));
    }

    private static Judgement.Inconclusive inconclusive(int batch) {
        return new Judgement.Inconclusive(id(), 1, "d1", "web", "v2", batch, 58, 0.05, 6.0, 1.2, 0.3, 2.996, 60_000,
                "breach-detector", "inconclusive after 60 s on 58 probes: healthy log-LR 1.2 of 3.0 needed, breach 0.3"
                + " of 6.9", T0.plusSeconds(60 + 60L * batch));
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
