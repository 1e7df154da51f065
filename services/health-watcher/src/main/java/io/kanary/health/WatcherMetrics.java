package io.kanary.health;

import io.kanary.health.probe.ProbeOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The health-watcher's meters: every probe by service, version and outcome, probe latency by
 * service, the instances being probed and the host.events records dead-lettered.
 *
 * <p>A probe's path runs on the event loop at every probe of every instance, so the meters are
 * built once per (service, version, outcome) and per service, then looked up in a map.
 */
final class WatcherMetrics implements ProbeVerticle.Meters {
    static final String OK = "ok";
    static final String FAILED = "failed";

    private final MeterRegistry registry;
    private final Map<ProbeKey, Counter> probes = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();

    private final Map<ScrapeKey, Counter> scrapes = new ConcurrentHashMap<>();
    private final Map<SkipKey, Counter> skips = new ConcurrentHashMap<>();
    private final Timer sendDelay;

    private record ProbeKey(String service, String version, boolean ok) {
    }

    private record ScrapeKey(String service, String outcome) {
    }

    private record SkipKey(String service, String reason) {
    }

    WatcherMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.sendDelay = Timer.builder("kanary.probe.send.delay")
                .description("How long after it fell due each probe was sent: the watcher's own delay, never the instance's")
                .publishPercentileHistogram()
                // Healthy delays are well under a millisecond: buckets from 100 µs, so that they can be read apart.
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** Reads the number of instances probed now from {@code watched}. */
    void watching(IntSupplier watched) {
        Gauge.builder("kanary.watcher.instances", watched, IntSupplier::getAsInt)
                .description("Instances being probed now")
                .strongReference(true)
                .register(registry);
    }

    /**
     * A sink that counts and times each probe, then hands it to {@code next}. A skipped probe is not
     * counted here: its loop counts it by reason through {@link #skipped}.
     */
    ProbeSink counting(ProbeSink next) {
        return (instance, outcome) -> {
            if (!outcome.wasSkipped()) {
                probed(instance.service(), instance.version(), outcome);
            }
            next.publish(instance, outcome);
        };
    }

    @Override
    public void skipped(String service, String reason) {
        skips.computeIfAbsent(new SkipKey(service, reason), key -> Counter.builder("kanary.probes.skipped")
                        .description("Probes not sent, or whose answer could not be read on time, by service and reason: "
                                + "the watcher's own overload (late, in_flight_limit, loop_behind), or the instance's "
                                + "previous probe still waiting for its answer (answer_pending)")
                        .tags("service", key.service(), "reason", key.reason())
                        .register(registry))
                .increment();
    }

    @Override
    public void sent(long lateNanos) {
        sendDelay.record(Math.max(0, lateNanos), TimeUnit.NANOSECONDS);
    }

    void probed(String service, String version, ProbeOutcome outcome) {
        probes.computeIfAbsent(new ProbeKey(service, version, outcome.ok()), key -> Counter.builder("kanary.probes")
                        .description("Health probes by service, version and outcome")
                        .tags("service", key.service(), "version", key.version(), "outcome", key.ok() ? OK : FAILED)
                        .register(registry))
                .increment();
        durations.computeIfAbsent(service, s -> Timer.builder("kanary.probe.duration")
                        .description("How long a probe took to be answered (or to time out)")
                        .tag("service", s)
                        .publishPercentileHistogram()
                        .register(registry))
                .record(Duration.ofMillis(outcome.latencyMs()));
    }

    /** A read of an instance's request metrics ended with {@code outcome} (ok, failed, unreadable). */
    void trafficScraped(String service, String outcome) {
        scrapes.computeIfAbsent(new ScrapeKey(service, outcome), key -> Counter.builder("kanary.traffic.scrapes")
                        .description("Reads of instances' request metrics by service and outcome")
                        .tags("service", key.service(), "outcome", key.outcome())
                        .register(registry))
                .increment();
    }

    /** A record of {@code topic} went to its DLQ. */
    void deadLettered(String topic) {
        Counter.builder("kanary.dlq.records")
                .description("Records sent to a dead-letter topic, by the topic they came from and who refused them")
                .tags("topic", topic, "consumer", InstanceFeed.CONSUMER)
                .register(registry)
                .increment();
    }
}
