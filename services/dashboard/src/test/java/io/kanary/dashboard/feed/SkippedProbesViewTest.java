package io.kanary.dashboard.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A probe the health-watcher skipped (it could not send it on time) is no point of a version's charts. */
class SkippedProbesViewTest {
    private static final Instant T0 = Instant.parse("2026-03-14T09:00:00Z");

    private final DashboardView view = new DashboardView(Duration.ofSeconds(10), 3);

    @Test
    void shouldLeaveSkippedProbesOutOfTheErrorRateAndP99() {
        view.deploymentEvent(new DeploymentEvent.Started("s1", 1, "web-2", "web", "v2", "v1", Map.of("h1", "v1"), null,
                null, List.of(List.of("h1")), "ops", T0));
        view.probe(new ProbeResult("p-1", 1, "web", "v2", "h1", "i1", true, 200, 12, T0.plusSeconds(1), null));
        for (int i = 0; i < 5; i++) {
            view.probe(new ProbeResult("s-" + i, 1, "web", "v2", "h1", "i1", false, 0, 0, T0.plusSeconds(2).plusMillis(i),
                    null, ProbeResult.WATCHER_OVERLOADED));
        }

        assertEquals(new VersionHealth("v2", 1, 0.0, 12L), view.deployment("web-2", T0.plusSeconds(3)).orElseThrow()
                .candidate());
    }
}
