package io.kanary.bench.watcher;

import io.kanary.kafka.Topics;
import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads health.probes from its end, on a thread of its own, and counts one service's probes whose
 * probe time falls in a window: ok, failed (the instance reported unhealthy), skipped (with the
 * reason each carried), and the latencies of the probes that were answered.
 */
final class ProbeTally implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final String service;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Object lock = new Object();
    private Instant from = Instant.MAX;
    private Instant to = Instant.MAX;
    private long ok;
    private long failed;
    private final Map<String, Long> skipped = new HashMap<>();
    private final Map<String, Long> failures = new HashMap<>();
    private long[] latencies = new long[1 << 16];
    private int latencyCount;
    private RuntimeException error;

    private ProbeTally(KafkaConsumer<String, byte[]> consumer, String service) {
        this.consumer = consumer;
        this.service = service;
        this.thread = new Thread(this::run, "watcher-bench-tally");
    }

    /** Starts reading at the end of health.probes: only what is published from now on counts. */
    static ProbeTally start(Map<String, Object> kafka, String service) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.HEALTH_PROBES.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        ProbeTally tally = new ProbeTally(consumer, service);
        tally.thread.start();
        return tally;
    }

    /** Counts the probes due or sent in [from, to) from now on; earlier counts are dropped. */
    void window(Instant from, Instant to) {
        synchronized (lock) {
            this.from = from;
            this.to = to;
            ok = 0;
            failed = 0;
            skipped.clear();
            failures.clear();
            latencyCount = 0;
        }
    }

    private void run() {
        var deserializer = Topics.HEALTH_PROBES.valueSerde().deserializer();
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!service.equals(record.key())) {
                        continue;
                    }
                    count(deserializer.deserialize(record.topic(), record.value()));
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            synchronized (lock) {
                error = e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void count(ProbeResult probe) {
        synchronized (lock) {
            if (probe.probedAt().isBefore(from) || !probe.probedAt().isBefore(to)) {
                return;
            }
            if (probe.wasSkipped()) {
                skipped.merge(probe.skipped(), 1L, Long::sum);
                return;
            }
            if (probe.ok()) {
                ok++;
            } else {
                failed++;
                failures.merge(String.valueOf(probe.error() != null ? probe.error() : probe.statusCode()), 1L, Long::sum);
            }
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[latencyCount++] = probe.latencyMs();
        }
    }

    /** What was counted in the window so far. */
    Counts counts() {
        synchronized (lock) {
            if (error != null) {
                throw new IllegalStateException("Reading health.probes failed: " + error.getMessage(), error);
            }
            long[] sorted = Arrays.copyOf(latencies, latencyCount);
            Arrays.sort(sorted);
            return new Counts(ok, failed, Map.copyOf(skipped), Map.copyOf(failures), sorted);
        }
    }

    /**
     * @param skipped   skipped probes by the reason they carried
     * @param failures  failed probes by their error (or status)
     * @param latencies the answered probes' latencies in ms, sorted
     */
    record Counts(long ok, long failed, Map<String, Long> skipped, Map<String, Long> failures, long[] latencies) {
        long skippedTotal() {
            return skipped.values().stream().mapToLong(Long::longValue).sum();
        }

        long total() {
            return ok + failed + skippedTotal();
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
