package io.kanary.planner.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.kanary.planner.state.Phase;
import io.kanary.planner.state.Planner;
import io.kanary.schema.ControlCommand;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.InstanceHealth;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The view updated by what changed equals the view built from all of the state, at every step. */
class LiveViewTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    /** 2 good probes spanning 1 s pass a gate. */
    private static final Policy POLICY = new Policy(0.1, 500L, 5_000L, 10, 200L, 2, 1_000L, 10_000L);

    private final Planner planner = new Planner();
    private final LiveView live = new LiveView();

    @Test
    void shouldMatchAWholeViewAfterEveryKindOfChange() {
        for (String host : List.of("host-1", "host-2")) {
            planner.observe(new HostEvent.Announced(id(), 1, host, "process", T0));
            planner.observe(new HostEvent.Started(id(), 1, host, id(), "old", "web", "v1",
                    new Instance(host + "/web/v1", "http://h", "http://h/health"), T0));
        }
        assertMatchesWholeView();
        planner.onRequest(request("d1", "v2"), T0);
        assertMatchesWholeView();
        planner.onRequest(request("d2", "v3"), T0.plusMillis(10)); // queued behind d1
        assertMatchesWholeView();
        started("d1", "host-1", "v2", 100);
        assertMatchesWholeView();
        healthy("host-1", "v2", 0, 1_000);
        assertMatchesWholeView();
        planner.onControl(new ControlCommand(id(), 1, "d1", "web", ControlCommand.Action.PAUSE, null, "alice", null,
                T0.plusMillis(1_100)), T0.plusMillis(1_100));
        assertMatchesWholeView();
        planner.onControl(new ControlCommand(id(), 1, "d1", "web", ControlCommand.Action.RESUME, null, "alice", null,
                T0.plusMillis(1_200)), T0.plusMillis(1_200));
        started("d1", "host-2", "v2", 1_300);
        healthy("host-2", "v2", 1_300, 2_300); // d1 succeeds, d2 starts from the queue
        assertMatchesWholeView();

        assertEquals(Phase.SUCCEEDED, live.get().deployment("d1").orElseThrow().phase());
        assertEquals(Phase.ROLLING, live.get().deployment("d2").orElseThrow().phase());
        assertEquals(List.of("d2", "d1"), live.get().list(null).stream().map(DeploymentView::id).toList());
        assertEquals(1, live.get().revisionsOf("web").size());
    }

    @Test
    void shouldKeepTheSameViewWhenNothingChanged() {
        live.accept(planner);
        PlannerView before = live.get();

        live.accept(planner);

        assertSame(before, live.get());
    }

    private void assertMatchesWholeView() {
        live.accept(planner);
        PlannerView whole = PlannerView.of(planner);
        PlannerView updated = live.get();
        assertEquals(whole.deployments(), updated.deployments());
        assertEquals(whole.list(null), updated.list(null));
        assertEquals(whole.activeByService(), updated.activeByService());
        assertEquals(whole.hosts(), updated.hosts());
        assertEquals(whole.knownHosts(), updated.knownHosts());
        assertEquals(whole.revisions(), updated.revisions());
    }

    private void started(String deploymentId, String host, String version, long atMs) {
        planner.onHostEvent(new HostEvent.Started(id(), 1, host, id(), deploymentId, "web", version,
                new Instance(host + "/web/" + version, "http://h", "http://h/health"), T0.plusMillis(atMs)),
                T0.plusMillis(atMs));
    }

    private void healthy(String host, String version, long sinceMs, long atMs) {
        planner.onInstanceHealth(new InstanceHealth(id(), 1, "web", version, host, host + "/web/" + version, 2,
                T0.plusMillis(sinceMs), T0.plusMillis(atMs), true, id()), T0.plusMillis(atMs));
    }

    private static DeployRequest request(String deploymentId, String version) {
        return new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, deploymentId, "web", version,
                RunSpec.process(List.of("web", "--port", "{port}"), Map.of()), List.of(), 1, POLICY, "test", T0);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
