package io.kanary.planner.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.kafka.Json;
import io.kanary.planner.http.PlannerView.HostStatus;
import io.kanary.planner.http.PlannerView.ServiceVersion;
import io.kanary.planner.state.Planner;
import io.kanary.planner.state.Violation;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerViewTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private final Planner planner = new Planner();

    @Test
    void shouldShowWhatEachHostRunsNowAndWhetherItsExecutorIsAlive() {
        planner.observe(new HostEvent.Announced("e1", 1, "host-1", "process", T0, Map.of("env", "staging")));
        planner.observe(new HostEvent.Heartbeat("e2", 1, "host-1", "executor-1", 2_000, T0, Map.of("env", "staging")));
        planner.observe(new HostEvent.Started("e3", 1, "host-1", "c1", "d1", "web", "v2",
                new Instance("host-1/web/v2", "http://h", "http://h/health"), T0));
        planner.observe(new HostEvent.RolledBack("e4", 1, "host-1", "c2", "d1", "web", "v1",
                new Instance("host-1/web/v1", "http://h", "http://h/health"), T0));
        planner.observe(new HostEvent.Started("e5", 1, "host-1", "c3", "d2", "api", "v1",
                new Instance("host-1/api/v1", "http://h", "http://h/health"), T0));
        planner.observe(new HostEvent.RolledBack("e6", 1, "host-1", "c4", "d2", "api", null, null, T0));
        planner.observe(new HostEvent.Announced("e7", 1, "host-2", "docker", T0));

        PlannerView view = PlannerView.of(planner);

        List<ServiceVersion> host1 = List.of(new ServiceVersion("api", null), new ServiceVersion("web", "v1"));
        assertEquals(List.of(new HostStatus("host-1", "process", host1, "executor-1", T0, 2_000L, true, "alive", Map.of("env", "staging")),
                new HostStatus("host-2", "docker", List.of(), null, null, null, true, "unknown", Map.of())), view.hostsAt(T0.plusMillis(6_000)));
        assertEquals(List.of(new HostStatus("host-1", "process", host1, "executor-1", T0, 2_000L, false, "gone", Map.of("env", "staging")),
                new HostStatus("host-2", "docker", List.of(), null, null, null, true, "unknown", Map.of())), view.hostsAt(T0.plusMillis(6_001)));
    }

    @Test
    void shouldWriteAVersionOfNothingAsAnExplicitNull() throws Exception {
        assertEquals("{\"service\":\"api\",\"version\":null}", Json.mapper().writeValueAsString(new ServiceVersion("api", null)));
    }

    @Test
    void shouldNameTheGoneHostsOfARequestWithTheReason() {
        planner.observe(new HostEvent.Heartbeat("e1", 1, "host-1", "executor-1", 2_000, T0));
        planner.observe(new HostEvent.Heartbeat("e2", 1, "host-2", "executor-2", 60_000, T0));

        List<Violation> gone = PlannerView.of(planner).goneHosts(List.of("host-1", "host-2"), T0.plusMillis(7_000));

        assertEquals(List.of(new Violation("hosts", "host-1's executor is gone: no heartbeat for 7.0s (3 intervals of 2.0s"
                + " missed; last from executor-1 at 2026-11-23T10:00:00Z); start an executor for it or leave it out of hosts")),
                gone);
    }

    @Test
    void shouldGiveExecutorsAFreshAllowanceFromThePlannersResumption() {
        planner.observe(new HostEvent.Heartbeat("e1", 1, "host-1", "executor-1", 2_000, T0));
        planner.resume(T0, T0.plusSeconds(60));

        PlannerView view = PlannerView.of(planner);

        assertEquals(List.of(), view.goneHosts(List.of("host-1"), T0.plusMillis(66_000)));
        assertEquals(1, view.goneHosts(List.of("host-1"), T0.plusMillis(66_001)).size());
    }
}
