package io.kanary.planner.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kanary.planner.state.Emission;
import io.kanary.planner.state.Planner;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.RollbackCommand;
import io.kanary.schema.RunSpec;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PlannerMetricsTest {
    private static final Instant T0 = Instant.parse("2026-12-02T05:00:00Z");
    /** A batch has 10 s to pass its health gates. */
    private static final Policy POLICY = new Policy(0.1, 500L, 5_000L, 10, 200L, 2, 1_000L, 10_000L);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Planner planner = new Planner();

    @BeforeEach
    void fleetOfTwoHostsOnV1() {
        for (String host : List.of("host-1", "host-2")) {
            planner.observe(new HostEvent.Announced(id(), 1, host, "process", T0));
            planner.observe(new HostEvent.Started(id(), 1, host, id(), "old", "web", "v1",
                    new Instance(host + "/web/v1", "http://h", "http://h/health"), T0));
        }
    }

    @Test
    void shouldCountAStartedDeploymentItsActivePhaseAndItsCommandsInFlight() {
        PlannerMetrics metrics = metricsAt(T0);
        List<Emission> out = accept("d1");

        metrics.onWritten(out, List.of(), planner);
        metrics.onChange(planner);

        assertEquals(1.0, registry.get("kanary.deployments.started").tag("service", "web").counter().count());
        assertEquals(1.0, registry.get("kanary.deployments.active").tag("phase", "rolling").gauge().value());
        assertEquals(0.0, registry.get("kanary.deployments.active").tag("phase", "queued").gauge().value());
        assertEquals(2.0, registry.get("kanary.planner.commands.in.flight").gauge().value());
    }

    @Test
    void shouldTakeACommandOutOfFlightOnlyWhenItsHostReportsTheOutcome() {
        PlannerMetrics metrics = metricsAt(T0);
        List<Emission> out = accept("d1");
        metrics.onWritten(out, List.of(), planner);
        HostCommand.Deploy first = commands(out).get(0);

        metrics.onHostEvent(new HostEvent.Starting(id(), 1, first.hostId(), first.eventId(), "d1", "web", "v2", T0));
        assertEquals(2.0, registry.get("kanary.planner.commands.in.flight").gauge().value());
        metrics.onHostEvent(new HostEvent.Started(id(), 1, first.hostId(), first.eventId(), "d1", "web", "v2",
                new Instance(first.hostId() + "/web/v2", "http://h", "http://h/health"), T0));

        assertEquals(1.0, registry.get("kanary.planner.commands.in.flight").gauge().value());
    }

    @Test
    void shouldCountARolledBackDeploymentByOutcomeAndTimeEachPhaseFromItsStart() {
        PlannerMetrics metrics = metricsAt(T0);
        metrics.onWritten(accept("d1"), List.of(), planner);
        List<Emission> rollingBack = planner.onRollback(new RollbackCommand(id(), 1, "d1", "web", "error rate 30%",
                "breach-1", "breach-detector", T0.plusSeconds(3)), T0.plusSeconds(3));
        metrics.onWritten(rollingBack, List.of(), planner);
        DeploymentEvent.RolledBack rolledBack = new DeploymentEvent.RolledBack(id(), 1, "d1", "web", List.of("host-1"),
                T0.plusSeconds(5));
        metrics.onWritten(List.of(new Emission(io.kanary.kafka.Topics.DEPLOY_EVENTS, "web", rolledBack, null)), List.of(),
                planner);

        assertEquals(1.0, registry.get("kanary.deployments.ended").tags("service", "web", "outcome", "rolled_back")
                .counter().count());
        Timer toRollingBack = registry.get("kanary.deployment.phase").tag("phase", "rolling_back").timer();
        Timer toRolledBack = registry.get("kanary.deployment.phase").tag("phase", "rolled_back").timer();
        assertEquals(1, toRolledBack.count());
        assertEquals(3_000.0, toRollingBack.totalTime(TimeUnit.MILLISECONDS));
        assertEquals(5_000.0, toRolledBack.totalTime(TimeUnit.MILLISECONDS));
        assertEquals(0.0, registry.get("kanary.planner.commands.in.flight").gauge().value(),
                "an ended deployment's unanswered commands never will be answered");
    }

    @Test
    void shouldReportHowFarTheMostOverdueDeploymentIsPastItsDeadline() {
        PlannerMetrics overdue = new PlannerMetrics(registry, Clock.fixed(T0.plusSeconds(13), ZoneOffset.UTC));
        SimpleMeterRegistry early = new SimpleMeterRegistry();
        PlannerMetrics onTime = new PlannerMetrics(early, Clock.fixed(T0.plusSeconds(4), ZoneOffset.UTC));
        accept("d1");

        overdue.onChange(planner);
        onTime.onChange(planner);

        assertEquals(3.0, registry.get("kanary.deployment.deadline.overrun").gauge().value());
        assertEquals(0.0, early.get("kanary.deployment.deadline.overrun").gauge().value());
    }

    @Test
    void shouldReportEachHostsHeartbeatAge() {
        PlannerMetrics metrics = metricsAt(T0.plusSeconds(7));
        planner.observe(new HostEvent.Heartbeat(id(), 1, "host-1", "executor-1", 5_000, T0));

        metrics.onChange(planner);

        assertEquals(7.0, registry.get("kanary.host.heartbeat.age").tag("host", "host-1").gauge().value());
        assertNull(registry.find("kanary.host.heartbeat.age").tag("host", "host-2").gauge(),
                "host-2's executor never sent a heartbeat");
    }

    @Test
    void shouldCountDeadLettersByTopicAsThePlanners() {
        PlannerMetrics metrics = metricsAt(T0);

        metrics.onWritten(List.of(), List.of("deploy.requests", "deploy.requests", "host.events"), planner);

        assertEquals(2.0, registry.get("kanary.dlq.records").tags("topic", "deploy.requests", "consumer", "planner")
                .counter().count());
        assertEquals(1.0, registry.get("kanary.dlq.records").tags("topic", "host.events", "consumer", "planner")
                .counter().count());
    }

    private PlannerMetrics metricsAt(Instant now) {
        return new PlannerMetrics(registry, Clock.fixed(now, ZoneOffset.UTC));
    }

    private List<Emission> accept(String deploymentId) {
        DeployRequest request = new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, deploymentId, "web", "v2",
                RunSpec.process(List.of("web", "--port", "{port}"), Map.of()), List.of(), 2, POLICY, "test", T0);
        Planner.Result result = planner.onRequest(request, T0);
        assertNull(result.rejection());
        return result.emissions();
    }

    private static List<HostCommand.Deploy> commands(List<Emission> out) {
        return out.stream().map(Emission::event).filter(e -> e instanceof HostCommand.Deploy)
                .map(e -> (HostCommand.Deploy) e).toList();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
