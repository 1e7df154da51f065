package io.kanary.bench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.audit.AuditEvent;
import io.kanary.audit.AuditReport;
import io.kanary.schema.Breach;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RollbackCommand;
import io.kanary.schema.RunSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InvariantCheckTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final String D = "camp-r1";

    private final List<AuditEvent> events = new ArrayList<>();
    private long offset;

    /** Appends an event caused by {@code cause} (its id) on {@code topic}; returns its id. */
    private String add(String topic, KanaryEvent event, String cause) {
        events.add(new AuditEvent(topic, 0, offset++, "k", event, event.eventId(), "kanary." + event.typeName() + ".v1",
                T0.plusMillis(offset).toString(), "test", D, cause, T0.plusMillis(offset)));
        return event.eventId();
    }

    /** A healthy r1 on host-1 that succeeded: request → started → batch → command → starting → started → succeeded. */
    private void succeededOnHost1(int port) {
        String req = add("deploy.requests", new DeployRequest("req", 1, D, "shop", "r1",
                RunSpec.process(List.of("app"), Map.of()), List.of("host-1"), 1, null, "test", T0), null);
        String started = add("deploy.events", new DeploymentEvent.Started("st", 1, D, "shop", "r1", null, Map.of(),
                RunSpec.process(List.of("app"), Map.of()), null, List.of(List.of("host-1")), "test", T0), req);
        String batch = add("deploy.events", new DeploymentEvent.BatchStarted("b0", 1, D, "shop", 0, List.of("host-1"), T0), started);
        String starting = add("host.events", new HostEvent.Starting("s1", 1, "host-1", "cmd-1", D, "shop", "r1", T0), batch);
        String up = add("host.events", new HostEvent.Started("u1", 1, "host-1", "cmd-1", D, "shop", "r1",
                new Instance("host-1/shop/r1/a", "http://127.0.0.1:" + port, "http://127.0.0.1:" + port + "/health"), T0), starting);
        add("deploy.events", new DeploymentEvent.Succeeded("ok", 1, D, "shop", "r1", T0), up);
    }

    private InvariantCheck.Findings check(List<WorldScan.AppProcess> world) {
        return InvariantCheck.check(AuditReport.of(events, List.of(), List.of()), "shop",
                List.of(new Rollout(D, "r1", false, "SUCCEEDED", true)), world);
    }

    @Test
    void aWorldThatMatchesTheRecordHasNoViolation() {
        succeededOnHost1(41001);

        InvariantCheck.Findings findings = check(List.of(new WorldScan.AppProcess(900, 41001, "r1", true)));

        assertEquals(List.of(), findings.violations());
    }

    @Test
    void anInstanceNoHostEventAccountsForIsUnmanaged() {
        succeededOnHost1(41001);

        InvariantCheck.Findings findings = check(List.of(new WorldScan.AppProcess(900, 41001, "r1", true),
                new WorldScan.AppProcess(901, 41002, "r1", true)));

        assertEquals(List.of("an unmanaged instance runs: pid 901, r1 on port 41002, which no host event accounts for."),
                findings.violations());
    }

    @Test
    void aRecordedInstanceThatDoesNotRunIsAViolation() {
        succeededOnHost1(41001);

        InvariantCheck.Findings findings = check(List.of());

        assertEquals(List.of("host-1's host events say r1 runs on port 41001, but no process of r1 has that port."),
                findings.violations());
    }

    @Test
    void aCommandStartedTwiceIsAViolation() {
        succeededOnHost1(41001);
        add("host.events", new HostEvent.Starting("s2", 1, "host-1", "cmd-1", D, "shop", "r1", T0), "b0");

        InvariantCheck.Findings findings = check(List.of(new WorldScan.AppProcess(900, 41001, "r1", true)));

        assertEquals(List.of("host command cmd-1 (r1 on host-1, deployment camp-r1) was acted on 2 times: 2 \"starting\" events."),
                findings.violations());
    }

    @Test
    void aDeploymentWithoutATerminalEventIsAViolation() {
        String req = add("deploy.requests", new DeployRequest("req", 1, D, "shop", "r1",
                RunSpec.process(List.of("app"), Map.of()), List.of("host-1"), 1, null, "test", T0), null);
        add("deploy.events", new DeploymentEvent.Started("st", 1, D, "shop", "r1", null, Map.of(),
                RunSpec.process(List.of("app"), Map.of()), null, List.of(List.of("host-1")), "test", T0), req);

        InvariantCheck.Findings findings = check(List.of());

        assertEquals(List.of("deployment camp-r1 (r1) never reached a terminal phase: its last event is deployment.started."),
                findings.violations());
    }

    @Test
    void aBreachRolledBackTwiceIsAViolation() {
        String req = add("deploy.requests", new DeployRequest("req", 1, D, "shop", "r1",
                RunSpec.process(List.of("app"), Map.of()), List.of("host-1"), 1, null, "test", T0), null);
        String started = add("deploy.events", new DeploymentEvent.Started("st", 1, D, "shop", "r1", null, Map.of(),
                RunSpec.process(List.of("app"), Map.of()), null, List.of(List.of("host-1")), "test", T0), req);
        String breach = add("breaches", new Breach("br", 1, D, "shop", "r1", null, "error-rate", 0.5, 0.1, null, 60_000,
                20, 0, T0, T0.plusMillis(1), "mSPRT", 9.0, 8.0), started);
        String rb1 = add("rollback.commands", new RollbackCommand("rb1", 1, D, "shop", "bad", "br", null, T0), breach);
        add("rollback.commands", new RollbackCommand("rb2", 1, D, "shop", "bad", "br", null, T0), breach);
        String rolling = add("deploy.events", new DeploymentEvent.RollingBack("rbk", 1, D, "shop", "bad", "br",
                "breach-detector", List.of("host-1"), T0), rb1);
        add("deploy.events", new DeploymentEvent.RolledBack("done", 1, D, "shop", List.of("host-1"), T0), rolling);

        InvariantCheck.Findings findings = check(List.of());

        assertEquals(1, findings.violations().size(), findings.violations().toString());
        assertTrue(findings.violations().get(0).startsWith("deployment camp-r1 was breached (r1 error-rate 0.500"),
                findings.violations().get(0));
        assertTrue(findings.violations().get(0).endsWith("and the breach-detector issued 2 rollback commands for it, not one."),
                findings.violations().get(0));
    }
}
