package io.kanary.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.kanary.health.probe.ProbeOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WatcherMetricsTest {
    private static final Instant T0 = Instant.parse("2026-12-02T05:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WatcherMetrics metrics = new WatcherMetrics(registry);

    @Test
    void shouldCountProbesByServiceVersionAndOutcomeAndTimeThemByService() {
        metrics.probed("shop", "v2", new ProbeOutcome(true, 200, 40, T0, null));
        metrics.probed("shop", "v2", new ProbeOutcome(true, 200, 60, T0, null));
        metrics.probed("shop", "v2", new ProbeOutcome(false, 500, 20, T0, null));
        metrics.probed("shop", "v1", new ProbeOutcome(false, 0, 1_000, T0, "connection refused"));

        assertEquals(2.0, probes("shop", "v2", "ok").count());
        assertEquals(1.0, probes("shop", "v2", "failed").count());
        assertEquals(1.0, probes("shop", "v1", "failed").count());
        assertEquals(4, registry.get("kanary.probe.duration").tag("service", "shop").timer().count());
        assertEquals(1_120.0, registry.get("kanary.probe.duration").tag("service", "shop").timer()
                .totalTime(TimeUnit.MILLISECONDS));
    }

    @Test
    void shouldBuildEachProbeMeterOnceAndReuseIt() {
        metrics.probed("shop", "v2", new ProbeOutcome(true, 200, 40, T0, null));
        Counter first = probes("shop", "v2", "ok");
        metrics.probed("shop", "v2", new ProbeOutcome(true, 200, 40, T0, null));

        assertSame(first, probes("shop", "v2", "ok"));
        assertEquals(2, registry.getMeters().stream().map(m -> m.getId().getName())
                .filter(name -> name.equals("kanary.probes") || name.equals("kanary.probe.duration")).count(),
                "one counter and one timer");
    }

    @Test
    void shouldCountThenPassEachProbeOnToTheNextSink() {
        List<String> published = new ArrayList<>();
        ProbeSink sink = metrics.counting((instance, outcome) -> published.add(instance.instanceId()));
        LiveInstance instance = new LiveInstance("shop", "v2", "host-1", "i-1", "http://h/health", "cause", "http://h", null);

        sink.publish(instance, new ProbeOutcome(true, 200, 5, T0, null));

        assertEquals(List.of("i-1"), published);
        assertEquals(1.0, probes("shop", "v2", "ok").count());
    }

    @Test
    void shouldCountSkippedProbesByReasonAndNeverAsProbedOrFailed() {
        List<String> published = new ArrayList<>();
        ProbeSink sink = metrics.counting((instance, outcome) -> published.add(outcome.skipped()));
        LiveInstance instance = new LiveInstance("shop", "v2", "host-1", "i-1", "http://h/health", "cause", "http://h", null);

        metrics.skipped("shop", ProbeVerticle.LATE);
        metrics.skipped("shop", ProbeVerticle.LATE);
        metrics.skipped("shop", ProbeVerticle.IN_FLIGHT_LIMIT);
        sink.publish(instance, ProbeOutcome.skipped(T0));

        assertEquals(java.util.Arrays.asList("watcher overloaded"), published, "the skipped probe is still published");
        assertEquals(2.0, registry.get("kanary.probes.skipped").tags("service", "shop", "reason", "late").counter().count());
        assertEquals(1.0, registry.get("kanary.probes.skipped").tags("service", "shop", "reason", "in_flight_limit")
                .counter().count());
        assertEquals(List.of(), registry.find("kanary.probes").counters().stream().toList(), "not an ok nor a failed probe");
        assertEquals(List.of(), registry.find("kanary.probe.duration").timers().stream().toList());
    }

    @Test
    void shouldTimeHowLateEachProbeWasSent() {
        metrics.sent(TimeUnit.MILLISECONDS.toNanos(3));
        metrics.sent(TimeUnit.MILLISECONDS.toNanos(5));

        assertEquals(2, registry.get("kanary.probe.send.delay").timer().count());
        assertEquals(8.0, registry.get("kanary.probe.send.delay").timer().totalTime(TimeUnit.MILLISECONDS));
    }

    @Test
    void shouldReportTheInstancesWatchedAndTheDeadLetters() {
        AtomicInteger watched = new AtomicInteger(3);
        metrics.watching(watched::get);
        metrics.deadLettered("host.events");

        assertEquals(3.0, registry.get("kanary.watcher.instances").gauge().value());
        watched.set(1);
        assertEquals(1.0, registry.get("kanary.watcher.instances").gauge().value());
        assertEquals(1.0, registry.get("kanary.dlq.records").tags("topic", "host.events", "consumer", "health-watcher")
                .counter().count());
    }

    @Test
    void shouldCountReadsOfRequestMetricsByServiceAndOutcome() {
        metrics.trafficScraped("shop", "ok");
        metrics.trafficScraped("shop", "ok");
        metrics.trafficScraped("shop", "failed");

        assertEquals(2.0, registry.get("kanary.traffic.scrapes").tags("service", "shop", "outcome", "ok").counter().count());
        assertEquals(1.0, registry.get("kanary.traffic.scrapes").tags("service", "shop", "outcome", "failed").counter()
                .count());
    }

    private Counter probes(String service, String version, String outcome) {
        return registry.get("kanary.probes").tags("service", service, "version", version, "outcome", outcome).counter();
    }
}
