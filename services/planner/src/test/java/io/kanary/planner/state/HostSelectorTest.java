package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A request's hostSelector picks the live hosts whose announced labels match all of it. */
class HostSelectorTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Policy POLICY = new Policy(0.1, 500L, 5_000L, 10, 200L, 2, 1_000L, 10_000L);

    private final Planner planner = new Planner();

    @BeforeEach
    void labelledHosts() {
        planner.observe(new HostEvent.Announced(id(), 1, "stage-1", "process", T0, Map.of("env", "staging", "zone", "a")));
        planner.observe(new HostEvent.Announced(id(), 1, "prod-1", "process", T0, Map.of("env", "prod", "zone", "a")));
        planner.observe(new HostEvent.Announced(id(), 1, "prod-2", "process", T0, Map.of("env", "prod", "zone", "b")));
        planner.observe(new HostEvent.Heartbeat(id(), 1, "prod-3", "e-1", 1_000, T0, Map.of("env", "prod", "zone", "a")));
    }

    @Test
    void shouldTargetTheHostsWhoseLabelsMatchEveryLabelOfTheSelector() {
        DeploymentEvent.Started started = start(Map.of("env", "prod", "zone", "a"), T0);

        assertEquals(List.of("prod-1", "prod-3"), started.hosts());
    }

    @Test
    void shouldLeaveOutHostsWhoseExecutorIsGone() {
        DeploymentEvent.Started started = start(Map.of("env", "prod"), T0.plusSeconds(10));

        assertEquals(List.of("prod-1", "prod-2"), started.hosts(), "prod-3 missed 3 heartbeats of 1 s");
    }

    @Test
    void shouldRefuseASelectorNoLiveHostMatchesNamingTheField() {
        Planner.Result result = planner.onRequest(request(Map.of("env", "qa")), T0);

        assertEquals("hostSelector", result.rejection().violations().get(0).field());
    }

    private DeploymentEvent.Started start(Map<String, String> selector, Instant now) {
        return (DeploymentEvent.Started) planner.onRequest(request(selector), now).emissions().get(0).event();
    }

    private static DeployRequest request(Map<String, String> selector) {
        return new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, "d1", "web", "v2",
                RunSpec.process(List.of("web"), Map.of()), List.of(), 1, POLICY, "test", T0, null, null, null, selector,
                null, null);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
