package io.kanary.schema;

import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A realistic sample of every event type, twice: once with every field set, once with every
 * optional (nullable) field null, as the serde leaves them out. One rollout of checkout v1 → v2
 * over four hosts that breaches and rolls back.
 */
final class Samples {
    static final String DEPLOYMENT = "d-checkout-0042";
    static final String SERVICE = "checkout";
    static final String NEW = "v2";
    static final String OLD = "v1";
    static final Instant T0 = Instant.parse("2025-03-14T09:26:53.589793238Z");
    static final RunSpec RUN = new RunSpec(null, List.of("java", "-jar", "checkout-v2.jar", "--port={port}"),
            Map.of("JAVA_OPTS", "-Xmx256m"), "/health", 5_000L).withCheck(new HealthCheck.Command(
            List.of("/usr/local/bin/checkout-ready", "--port", "{port}"), 0, 3_000L));
    static final RunSpec DOCKER_RUN = new RunSpec("registry.local/checkout:v2", List.of(), Map.of(), "/ready", 10_000L,
            "on-failure", 256L, 0.5, new HealthCheck.Http("/health", List.of(200, 204),
            new HealthCheck.BodyExpectation("/status", TextNode.valueOf("healthy")), 800L));
    static final Policy POLICY = new Policy(0.05, 800L, 10_000L, 20, 500L, 3, 5_000L, 60_000L);
    static final Instance INSTANCE = new Instance("checkout-v2-7b1e", "http://127.0.0.1:41234",
            "http://127.0.0.1:41234/health");
    static final Instance OLD_INSTANCE = new Instance("checkout-v1-22c9", "http://127.0.0.1:41311",
            "http://127.0.0.1:41311/health", new HealthCheck.Tcp(500L));

    static final Hooks HOOKS = new Hooks(
            new Hooks.PreDeploy(List.of("/usr/local/bin/backup-db", "--label", "before-v2"), 600_000L, "host-1"),
            new Hooks.Smoke(List.of("/usr/local/bin/smoke", "--port", "{port}"), 30_000L,
                    List.of(new HealthCheck.Http("/smoke", List.of(200), null, 800L))));

    private Samples() {
    }

    static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    /** Every event type with every field set. */
    static List<KanaryEvent> allFieldsSet() {
        Map<String, String> previous = new LinkedHashMap<>();
        previous.put("host-1", OLD);
        previous.put("host-2", OLD);
        previous.put("host-3", OLD);
        return List.of(
                new DeployRequest("e-req-1", 1, DEPLOYMENT, SERVICE, NEW, DOCKER_RUN,
                        List.of("host-1", "host-2", "host-3", "host-4"), 2, POLICY, "alice", at(0),
                        List.of(Step.ofHosts(1), Step.pauseFor("2m"), Step.ofPercent(50), Step.approvalStep(),
                                Step.ofPercent(100)), DeployRequest.QUEUE, "d-staging", Map.of("env", "prod"),
                        DeployRequest.KIND_UNDO, "checkout revision 3", HOOKS),
                new DeploymentEvent.Started("e-dep-1", 1, DEPLOYMENT, SERVICE, NEW, OLD, previous, RUN,
                        POLICY.withTraffic(new TrafficSource("/actuator/prometheus", 2_000L, "http_requests_total",
                                "http_request_duration_seconds_bucket", "code", "5..|429"))
                                .withEvidenceWait(90_000L, Policy.OnInconclusive.ROLLBACK),
                        List.of(List.of("host-1", "host-2"), List.of("host-3", "host-4")), "alice", at(20),
                        List.of(PlannedStep.batch(List.of("host-1", "host-2")), PlannedStep.pause(120_000),
                                PlannedStep.approval(), PlannedStep.batch(List.of("host-3", "host-4"))),
                        DeployRequest.KIND_RETRY, "d-earlier", HOOKS),
                new DeploymentEvent.HookRequested("e-dep-40", 1, DEPLOYMENT, SERVICE, "smoke batch 1", 0,
                        List.of("host-1", "host-2"), 60_000L, at(40)),
                new DeploymentEvent.Queued("e-dep-27", 1, DEPLOYMENT, SERVICE, new DeployRequest("e-req-3", 1, DEPLOYMENT,
                        SERVICE, NEW, RUN, List.of("host-1"), 1, POLICY, "alice", at(0)), true, at(1)),
                new DeploymentEvent.Cancelled("e-dep-28", 1, DEPLOYMENT, SERVICE, "alice", "not today", "e-ctl-5", at(2)),
                new DeploymentEvent.Waiting("e-dep-25", 1, DEPLOYMENT, SERVICE, 1, 120_000L, at(129_000), at(9_000)),
                new DeploymentEvent.BatchStarted("e-dep-2", 1, DEPLOYMENT, SERVICE, 0, List.of("host-1", "host-2"), at(21)),
                new DeploymentEvent.BatchCompleted("e-dep-3", 1, DEPLOYMENT, SERVICE, 0, List.of("host-1", "host-2"),
                        at(9_000)),
                new DeploymentEvent.Paused("e-dep-4", 1, DEPLOYMENT, SERVICE, "alice", at(9_500), "watch the p99",
                        "e-ctl-1"),
                new DeploymentEvent.Resumed("e-dep-5", 1, DEPLOYMENT, SERVICE, "bob", at(30_000), "p99 fine", "e-ctl-2"),
                new DeploymentEvent.Promoted("e-dep-23", 1, DEPLOYMENT, SERVICE, true, "bob", "release train", "e-ctl-3",
                        at(30_500)),
                new DeploymentEvent.Succeeded("e-dep-6", 1, DEPLOYMENT, SERVICE, NEW, at(45_000)),
                new DeploymentEvent.RollingBack("e-dep-7", 1, DEPLOYMENT, SERVICE, "error_rate 0.4 > 0.05 over 10s",
                        "e-breach-1", "breach-detector", List.of("host-1", "host-2", "host-3"), at(31_000), true, "e-ctl-4"),
                new DeploymentEvent.RolledBack("e-dep-8", 1, DEPLOYMENT, SERVICE, List.of("host-1", "host-2", "host-3"),
                        at(33_000)),
                new DeploymentEvent.Failed("e-dep-9", 1, DEPLOYMENT, SERVICE,
                        "host-3 could not be rolled back: port 41311 in use", at(34_000)),
                new DeploymentEvent.Aborted("e-dep-10", 1, DEPLOYMENT, SERVICE, "alice", "wrong build", at(35_000)),
                new DeploymentEvent.DeadlinesExtended("e-dep-21", 1, DEPLOYMENT, SERVICE, at(12_000), 63_250L, at(75_250)),
                new HostCommand.Deploy("e-cmd-1", 1, "host-1", DEPLOYMENT, SERVICE, NEW, RUN, at(21)),
                new HostCommand.Rollback("e-cmd-2", 1, "host-1", DEPLOYMENT, SERVICE, NEW, OLD, at(31_001)),
                new HostCommand.Stop("e-cmd-3", 1, "host-4", DEPLOYMENT, SERVICE, at(36_000)),
                new HostCommand.RunHook("e-cmd-4", 1, "host-1", DEPLOYMENT, SERVICE, "pre-deploy",
                        List.of("/usr/local/bin/backup-db", "--target", "nightly"),
                        List.of(new HealthCheck.Http("/smoke", List.of(200), null, 2_000L)), Map.of("DB", "checkout"),
                        300_000, at(5)),
                new HostEvent.HookStarted("e-host-6", 1, "host-1", "e-cmd-4", DEPLOYMENT, SERVICE, "pre-deploy", at(6)),
                new HostEvent.HookFinished("e-host-7", 1, "host-1", "e-cmd-4", DEPLOYMENT, SERVICE, "pre-deploy", false,
                        3, false, "backup: disk full\n", "the hook exited with 3, expected 0", at(18)),
                new HostEvent.Announced("e-host-0", 1, "host-1", "process", T0.minusSeconds(60),
                        Map.of("env", "staging", "zone", "a")),
                new HostEvent.Heartbeat("e-host-hb", 1, "host-1", "executor-1", 2000, T0.minusSeconds(59),
                        Map.of("env", "staging")),
                new HostEvent.Starting("e-host-1", 1, "host-1", "e-cmd-1", DEPLOYMENT, SERVICE, NEW, at(40)),
                new HostEvent.Started("e-host-2", 1, "host-1", "e-cmd-1", DEPLOYMENT, SERVICE, NEW, INSTANCE, at(900)),
                new HostEvent.Stopped("e-host-3", 1, "host-4", "e-cmd-3", DEPLOYMENT, SERVICE, OLD, "checkout-v1-91aa",
                        at(36_400)),
                new HostEvent.CommandFailed("e-host-4", 1, "host-3", "e-cmd-5", DEPLOYMENT, SERVICE, NEW,
                        "exec java: no such file or directory", at(60)),
                new HostEvent.RolledBack("e-host-5", 1, "host-1", "e-cmd-2", DEPLOYMENT, SERVICE, OLD, OLD_INSTANCE,
                        at(32_500)),
                new ProbeResult("e-probe-1", 1, SERVICE, NEW, "host-1", "checkout-v2-7b1e", false, 0, 2_000, at(25_000),
                        "connection refused", ProbeResult.WATCHER_OVERLOADED),
                new InstanceHealth("e-health-1", 1, SERVICE, NEW, "host-1", "checkout-v2-7b1e", 12, at(13_000),
                        at(24_000), true, "e-probe-3"),
                new TrafficSample("e-traffic-1", 1, SERVICE, NEW, "host-1", "checkout-v2-7b1e", "scrape", at(24_000),
                        at(25_000), 104, 3, java.util.List.of(new TrafficSample.LatencyBucket(50, 61),
                        new TrafficSample.LatencyBucket(100, 97), new TrafficSample.LatencyBucket(250, 103))),
                new Breach("e-breach-1", 1, DEPLOYMENT, SERVICE, NEW, OLD, Breach.ERROR_RATE, 0.4, 0.05, 0.0,
                        10_000, 25, 40, at(22_000), at(30_990), "mSPRT error rate > limit", 7.2, 6.91, 5L, 12L),
                new RollbackCommand("e-rb-1", 1, DEPLOYMENT, SERVICE, "error_rate 0.4 > 0.05 over 10s", "e-breach-1",
                        "alice", at(31_000)),
                new ControlCommand("e-ctl-1", 1, DEPLOYMENT, SERVICE, ControlCommand.Action.PROMOTE, true, "alice",
                        "release train", at(30_400)),
                new Judgement.Healthy("e-judge-1", 1, DEPLOYMENT, SERVICE, NEW, 0, 214, 0.0047, 182.0,
                        "mSPRT error rate < limit and slow share < 5%", 3.02, 2.996,
                        "healthy on 214 samples: error rate 0.5% (limit 5%), p99 182 ms (limit 800 ms)", at(8_500)),
                new Judgement.Inconclusive("e-judge-2", 1, DEPLOYMENT, SERVICE, NEW, 1, 118, 0.051, 240.0, 1.4, 0.4,
                        2.996, 120_000, "breach-detector", "inconclusive after 120 s on 118 samples: healthy log-LR 1.4 of"
                        + " 3.0 needed, breach 0.4 of 6.9", at(129_000)),
                new Judgement.Progress("e-judge-5", 1, DEPLOYMENT, SERVICE, NEW, 1, 1_240, 1_200, 0.004, 2.1, 3.689,
                        0.57, 0.3, 8.29, 0.04, 12_000, 120_000, "batch 2/3 waiting 12.0s on 40 probes and 1200 requests:"
                        + " healthy log-LR 2.1 of 3.7 needed, breach 0.3 of 8.3", at(21_000)),
                new DeploymentEvent.Judged("e-dep-42", 1, DEPLOYMENT, SERVICE, 0, DeploymentEvent.Judged.HEALTHY,
                        "e-judge-1", "breach-detector", "healthy on 214 samples", at(8_600)));
    }

    /**
     * Every event type with its optional fields null (lists and maps the records default stay empty);
     * rollback.requested twice, as it needs a breachId or an operator.
     */
    static List<KanaryEvent> optionalFieldsNull() {
        return List.of(
                new DeployRequest("e-req-2", 0, null, SERVICE, NEW, RunSpec.process(List.of("./checkout"), null),
                        null, null, null, null, at(0)),
                new DeploymentEvent.Started("e-dep-11", 1, DEPLOYMENT, SERVICE, NEW, null, null, RUN, Policy.defaults(),
                        List.of(List.of("host-1")), null, at(20)),
                new DeploymentEvent.BatchStarted("e-dep-12", 1, DEPLOYMENT, SERVICE, 1, List.of("host-3"), at(21)),
                new DeploymentEvent.Queued("e-dep-29", 1, DEPLOYMENT, SERVICE, new DeployRequest("e-req-4", 1, null,
                        SERVICE, NEW, RUN, null, null, null, null, at(0)), false, at(1)),
                new DeploymentEvent.Cancelled("e-dep-30", 1, DEPLOYMENT, SERVICE, "planner", null, null, at(2)),
                new DeploymentEvent.Waiting("e-dep-26", 1, DEPLOYMENT, SERVICE, 2, null, null, at(9_000)),
                new DeploymentEvent.HookRequested("e-dep-41", 1, DEPLOYMENT, SERVICE, "smoke batch 2", 1,
                        List.of("host-3"), 60_000L, at(9_500)),
                new DeploymentEvent.BatchCompleted("e-dep-13", 1, DEPLOYMENT, SERVICE, 1, List.of("host-3"), at(9_000)),
                new DeploymentEvent.Paused("e-dep-14", 1, DEPLOYMENT, SERVICE, "ops-bot", at(9_500)),
                new DeploymentEvent.Resumed("e-dep-15", 1, DEPLOYMENT, SERVICE, "ops-bot", at(9_600)),
                new DeploymentEvent.Promoted("e-dep-24", 1, DEPLOYMENT, SERVICE, false, "ops-bot", null, null, at(9_700)),
                new DeploymentEvent.Succeeded("e-dep-16", 1, DEPLOYMENT, SERVICE, NEW, at(20_000)),
                new DeploymentEvent.RollingBack("e-dep-17", 1, DEPLOYMENT, SERVICE, "batch 1/2 not healthy within 60.0s",
                        null, "planner", List.of(), at(61_000)),
                new DeploymentEvent.RolledBack("e-dep-18", 1, DEPLOYMENT, SERVICE, List.of(), at(61_001)),
                new DeploymentEvent.Failed("e-dep-19", 1, DEPLOYMENT, SERVICE,
                        "host-2 did not confirm the rollback within 60.0s", at(120_000)),
                new DeploymentEvent.Aborted("e-dep-20", 1, DEPLOYMENT, SERVICE, "bob", null, at(5_000)),
                new DeploymentEvent.DeadlinesExtended("e-dep-22", 1, DEPLOYMENT, SERVICE, at(12_000), 0L, at(12_000)),
                new HostCommand.Deploy("e-cmd-11", 1, "host-2", DEPLOYMENT, SERVICE, NEW, DOCKER_RUN, at(21)),
                new HostCommand.Rollback("e-cmd-12", 1, "host-2", DEPLOYMENT, SERVICE, NEW, null, at(31_001)),
                new HostCommand.Stop("e-cmd-13", 1, "host-2", DEPLOYMENT, SERVICE, at(36_000)),
                new HostCommand.RunHook("e-cmd-14", 1, "host-2", DEPLOYMENT, SERVICE, "smoke batch 1",
                        List.of("/usr/local/bin/smoke"), null, null, 60_000, at(9_000)),
                new HostEvent.HookStarted("e-host-16", 1, "host-2", "e-cmd-14", DEPLOYMENT, SERVICE, null, at(9_001)),
                new HostEvent.HookFinished("e-host-17", 1, "host-2", "e-cmd-14", DEPLOYMENT, SERVICE, null, true, null,
                        false, null, null, at(9_500)),
                new HostEvent.Announced("e-host-10", 1, "host-2", "docker", T0.minusSeconds(5)),
                new HostEvent.Heartbeat("e-host-hb-2", 1, "host-2", "executor-2", 1, T0.minusSeconds(4)),
                new HostEvent.Starting("e-host-11", 1, "host-2", "e-cmd-11", DEPLOYMENT, SERVICE, NEW, at(40)),
                new HostEvent.Started("e-host-12", 1, "host-2", "e-cmd-11", DEPLOYMENT, SERVICE, NEW, INSTANCE, at(900)),
                new HostEvent.Stopped("e-host-13", 1, "host-2", "e-cmd-13", DEPLOYMENT, SERVICE, null, null, at(36_001)),
                new HostEvent.CommandFailed("e-host-14", 1, "host-2", "e-cmd-13", DEPLOYMENT, SERVICE, null,
                        "docker: no such container", at(36_002)),
                new HostEvent.RolledBack("e-host-15", 1, "host-2", "e-cmd-12", DEPLOYMENT, SERVICE, null, null,
                        at(32_000)),
                new ProbeResult("e-probe-2", 1, SERVICE, NEW, null, null, true, 200, 12, at(25_000), null),
                new InstanceHealth("e-health-2", 1, SERVICE, NEW, "host-1", null, 0, null, at(25_000), false, "e-probe-1"),
                new TrafficSample("e-traffic-2", 1, SERVICE, NEW, null, null, null, at(24_000), at(25_000), 0, 0, null),
                new Breach("e-breach-2", 1, DEPLOYMENT, SERVICE, NEW, null, Breach.P99_LATENCY_MS, 1_730.5, 800, null,
                        10_000, 22, 0, at(21_000), at(30_990)),
                new RollbackCommand("e-rb-2", 1, DEPLOYMENT, SERVICE, "operator request", null, "alice", at(31_000)),
                new RollbackCommand("e-rb-3", 1, DEPLOYMENT, SERVICE, "error_rate 0.4 > 0.05 over 10s", "e-breach-1",
                        null, at(31_000)),
                new ControlCommand("e-ctl-2", 1, DEPLOYMENT, SERVICE, ControlCommand.Action.PAUSE, null, "alice", null,
                        at(31_000)),
                new Judgement.Healthy("e-judge-3", 1, DEPLOYMENT, SERVICE, NEW, 0, 60, 0.0, null,
                        "mSPRT error rate < limit", 3.1, 2.996, "healthy on 60 probes", at(8_500)),
                new Judgement.Inconclusive("e-judge-4", 1, DEPLOYMENT, SERVICE, NEW, 0, 0, 0.0, null, 0.0, null, 2.996,
                        125_000, "planner", "no judgement from the breach-detector within 125 s", at(129_000)),
                new Judgement.Progress("e-judge-6", 1, DEPLOYMENT, SERVICE, NEW, 0, 0, 0, 0.0, 0.0, 3.689, 0.0, 0.0,
                        8.29, 0.0, 1_000, 120_000, "batch 1/3 waiting 1.0s on 0 probes", at(2_000)),
                new DeploymentEvent.Judged("e-dep-43", 1, DEPLOYMENT, SERVICE, 0, DeploymentEvent.Judged.INCONCLUSIVE,
                        null, "planner", "no judgement from the breach-detector within 125 s", at(129_100)));
    }
}
