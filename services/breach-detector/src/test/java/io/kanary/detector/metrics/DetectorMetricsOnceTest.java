package io.kanary.detector.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.detector.verdict.EventIds;
import io.kanary.schema.Breach;
import io.kanary.schema.KanaryEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A task retried after an aborted transaction emits its breach again; the counts stay one per deployment. */
class DetectorMetricsOnceTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:03Z");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DetectorMetrics metrics = new DetectorMetrics(registry);

    @Test
    void shouldCountARetriedEmissionOnce() {
        metrics.breachEmitted(breach("d-1", "p99 vs baseline"));
        metrics.rollbackEmitted(breach("d-1", "p99 vs baseline"), Duration.ofMillis(300));
        metrics.breachEmitted(breach("d-1", "p99 vs baseline"));
        metrics.rollbackEmitted(breach("d-1", "p99 vs baseline"), Duration.ofMillis(900));
        metrics.breachEmitted(breach("d-2", "p99 vs baseline"));
        metrics.rollbackEmitted(breach("d-2", "p99 vs baseline"), Duration.ofMillis(500));

        assertEquals(List.of(2.0, 2.0, 2L, 800.0), List.of(
                registry.get("kanary.breaches").tags("service", "web", "test", "p99_vs_baseline").counter().count(),
                registry.get("kanary.rollbacks").tags("service", "web", "cause", "breach", "test", "p99_vs_baseline")
                        .counter().count(),
                registry.get("kanary.rollback.decision").timer().count(),
                registry.get("kanary.rollback.decision").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)));
    }

    @Test
    void shouldLabelABreachOfAnUnknownTestAsOther() {
        metrics.breachEmitted(breach("d-1", "error rate > 10%"));

        assertEquals(1.0, registry.get("kanary.breaches").tags("service", "web", "test", "other").counter().count());
    }

    private static Breach breach(String deploymentId, String test) {
        return new Breach(EventIds.breach(deploymentId), KanaryEvent.SCHEMA_VERSION, deploymentId, "web", "v2", "v1",
                Breach.P99_LATENCY_MS, 900.0, 500.0, 200.0, 3_000, 120, 300, AT, AT, test, 9.0, 8.3);
    }
}
