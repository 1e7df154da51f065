package io.kanary.bench.broker;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.Breach;
import io.kanary.schema.RollbackCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads rollback.commands and breaches as the planner and an alerting system would: a
 * {@code read_committed} consumer, polled without pause on a thread of its own, which notes the
 * {@link System#nanoTime()} at which each poll returned. Commands and breaches are kept by
 * deployment id, so each run of the harness picks out its own.
 */
final class VerdictReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VerdictReader.class);
    private static final Duration POLL = Duration.ofMillis(100);

    /**
     * One event read back.
     *
     * @param causationId its {@code ce_causationid} header
     * @param readNanos   {@link System#nanoTime()} when the poll that returned it returned
     */
    record Read<T>(T event, String causationId, long readNanos, long offset) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Map<String, CompletableFuture<Read<RollbackCommand>>> commands = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Read<Breach>>> breaches = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger unreadable = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    VerdictReader(Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kanary-broker-bench-verdicts");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        partitions = new ArrayList<>();
        for (String topic : List.of(Topics.ROLLBACK_COMMANDS.name(), Topics.BREACHES.name())) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::pollLoop, "broker-bench-verdicts");
        thread.setDaemon(true);
        thread.start();
    }

    /** The rollback command of {@code deploymentId}, once read. */
    CompletableFuture<Read<RollbackCommand>> command(String deploymentId) {
        return commands.computeIfAbsent(deploymentId, id -> new CompletableFuture<>());
    }

    /** The breach of {@code deploymentId}, once read. */
    CompletableFuture<Read<Breach>> breach(String deploymentId) {
        return breaches.computeIfAbsent(deploymentId, id -> new CompletableFuture<>());
    }

    /** Rollback commands or breaches read a second time for a deployment: exactly-once says none. */
    int duplicates() {
        return duplicates.get();
    }

    int unreadable() {
        return unreadable.get();
    }

    /**
     * Returns once everything committed on rollback.commands and breaches so far has been read: the
     * reader's positions reach the last stable offsets (a read_committed consumer's end).
     */
    void awaitCaughtUp(Admin admin, Duration timeout) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        try {
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((partition, info) -> ends.put(partition, info.offset()));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the verdict topics' offsets: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing offsets", e);
        }
        Waits.until(() -> ends.entrySet().stream().allMatch(end -> positions.getOrDefault(end.getKey(), 0L) >= end.getValue()),
                timeout, "the verdict reader to reach " + ends);
    }

    private void pollLoop() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                long readNanos = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (record.topic().equals(Topics.ROLLBACK_COMMANDS.name())) {
                        accept(record, readNanos, Topics.ROLLBACK_COMMANDS, commands, RollbackCommand::deploymentId);
                    } else {
                        accept(record, readNanos, Topics.BREACHES, breaches, Breach::deploymentId);
                    }
                }
                for (TopicPartition partition : partitions) {
                    positions.put(partition, consumer.position(partition));
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.error("The verdict reader stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private <T> void accept(ConsumerRecord<byte[], byte[]> record, long readNanos, Topic<String, T> topic,
                            Map<String, CompletableFuture<Read<T>>> byDeployment,
                            Function<T, String> deploymentId) {
        T event;
        try {
            event = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            // Not ours to dead-letter (the bench only reads); counted and reported instead.
            unreadable.incrementAndGet();
            LOG.warn("Unreadable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        Read<T> read = new Read<>(event, CloudEvents.header(record, CloudEvents.CAUSATION_ID).orElse(null), readNanos,
                record.offset());
        if (!byDeployment.computeIfAbsent(deploymentId.apply(event), id -> new CompletableFuture<>()).complete(read)) {
            duplicates.incrementAndGet();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
