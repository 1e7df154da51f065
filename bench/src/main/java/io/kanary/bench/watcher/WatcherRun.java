package io.kanary.bench.watcher;

import io.kanary.bench.Quantiles;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * One run: {@code asked / (1000 / interval)} instances announced on host.events (as an executor
 * announces them), a fresh watcher JVM that learns them by replaying the topic, a warm-up, then a
 * window in which health.probes, the watcher's CPU time and its send-delay histogram are read; then
 * the instances are announced stopped and the watcher is stopped.
 */
final class WatcherRun implements AutoCloseable {
    private static final String SOURCE = "/kanary/executor";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    /** Probes due in the window may still be in flight (up to their 1 s timeout) and in the producer's batch. */
    private static final Duration SETTLE = Duration.ofMillis(2_500);

    private final Map<String, Object> kafka;
    private final String bootstrap;
    private final HealthServers servers;
    private final KafkaProducer<String, HostEvent> hostEvents;
    private final Path logs;
    private int runs;

    WatcherRun(Map<String, Object> kafka, String bootstrap, HealthServers servers, Path logs) {
        this.kafka = kafka;
        this.bootstrap = bootstrap;
        this.servers = servers;
        this.logs = logs;
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.hostEvents = new KafkaProducer<>(props, Topics.HOST_EVENTS.keySerde().serializer(),
                Topics.HOST_EVENTS.valueSerde().serializer());
    }

    RunFigures run(int askedPerSecond, int loops, long intervalMs, Duration warmup, Duration window) {
        int run = ++runs;
        int instances = (int) (askedPerSecond * intervalMs / 1_000);
        if (instances > servers.size()) {
            throw new IllegalArgumentException(askedPerSecond + " probes/s at " + intervalMs + " ms need " + instances
                    + " instances; only " + servers.size() + " were started");
        }
        String service = "bench-" + run + "-" + Ids.newId().substring(0, 8);
        announce(service, instances, true);
        try (ProbeTally tally = ProbeTally.start(kafka, service);
             WatcherProcess watcher = WatcherProcess.start(bootstrap, intervalMs, loops, "watcher-bench-" + service,
                     logs.resolve(service + ".log"))) {
            until(() -> watcher.watchedInstances() == instances, READY_TIMEOUT,
                    "the watcher to probe all " + instances + " instances");
            pause(warmup);
            Instant from = Instant.now();
            tally.window(from, from.plus(window));
            double cpuBefore = watcher.cpuSeconds();
            TreeMap<Double, Double> delaysBefore = watcher.sendDelayBuckets();
            servers.startRecording();
            pause(window);
            double cpu = watcher.cpuSeconds() - cpuBefore;
            TreeMap<Double, Double> delays = delta(watcher.sendDelayBuckets(), delaysBefore);
            double[] serverMicros = servers.stopRecording();
            pause(SETTLE);
            ProbeTally.Counts counts = tally.counts();
            return figures(askedPerSecond, loops, window, counts, delays, serverMicros, cpu);
        } finally {
            announce(service, instances, false);
        }
    }

    private static RunFigures figures(int asked, int loops, Duration window, ProbeTally.Counts c,
                                      NavigableMap<Double, Double> delays, double[] serverMicros, double cpu) {
        double seconds = window.toMillis() / 1e3;
        long sent = c.ok() + c.failed();
        double total = Math.max(1, c.total());
        double[] latencies = java.util.Arrays.stream(c.latencies()).asDoubleStream().toArray();
        return new RunFigures(asked, loops, sent / seconds, 100.0 * c.ok() / total, 100.0 * c.skippedTotal() / total,
                100.0 * c.failed() / total, bucketQuantileMs(delays, 0.5), bucketQuantileMs(delays, 0.99),
                quantile(latencies, 0.5), quantile(latencies, 0.99), quantile(serverMicros, 0.5),
                quantile(serverMicros, 0.99), sent == 0 ? Double.NaN : cpu / (sent / 1_000.0), cpu / seconds, c.failures(),
                c.skipped());
    }

    private static double quantile(double[] values, double q) {
        return values.length == 0 ? Double.NaN : Quantiles.nearestRank(values, q);
    }

    /** The bound of the first bucket holding the {@code q}-quantile of the counts, in ms: the quantile is at most that. */
    static double bucketQuantileMs(NavigableMap<Double, Double> cumulative, double q) {
        double total = cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= q * total) {
                return bucket.getKey() * 1_000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static TreeMap<Double, Double> delta(TreeMap<Double, Double> after, TreeMap<Double, Double> before) {
        TreeMap<Double, Double> delta = new TreeMap<>();
        after.forEach((le, count) -> delta.put(le, count - before.getOrDefault(le, 0.0)));
        return delta;
    }

    /** Each instance on host-i, started (or stopped), as the executor would say it. */
    private void announce(String service, int instances, boolean started) {
        Instant now = Instant.now();
        for (int i = 0; i < instances; i++) {
            String host = "host-" + i;
            String instanceId = service + "-i" + i;
            HostEvent event = started
                    ? new HostEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION, host, Ids.newId(), "d-" + service,
                    service, "v1", new Instance(instanceId, servers.address(i), servers.healthUrl(i)), now)
                    : new HostEvent.Stopped(Ids.newId(), KanaryEvent.SCHEMA_VERSION, host, Ids.newId(), "d-" + service,
                    service, "v1", instanceId, now);
            hostEvents.send(CloudEvents.record(Topics.HOST_EVENTS, host, event, SOURCE, null));
        }
        hostEvents.flush();
    }

    static Path logDirectory() {
        try {
            return Files.createTempDirectory("kanary-watcher-bench");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void pause(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }

    private static void until(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    @Override
    public void close() {
        hostEvents.close(Duration.ofSeconds(10));
    }
}
