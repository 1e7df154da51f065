package io.kanary.planner.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the planner was last awake before this start: the time of the latest record it consumed,
 * read from its consumer group's committed offsets (the record just before each). Executors'
 * heartbeats arrive every few seconds, so while any executor runs this is within seconds of the
 * moment the planner stopped; the planner's own latest deployment event is the other bound
 * ({@link io.kanary.planner.state.Planner#resume}). Quiet time with nothing at all to consume
 * before a stop counts as downtime too: deadlines then err toward waiting longer, never toward
 * a rollback the planner did not witness the reason for.
 */
final class LastAwake {
    private static final Logger LOG = LoggerFactory.getLogger(LastAwake.class);

    private LastAwake() {
    }

    /** The time of the latest record the group {@code groupId} consumed, or empty when it consumed none (or Kafka would not say). */
    static Optional<Instant> find(Map<String, Object> kafka, String groupId, Duration timeout) {
        try {
            Map<TopicPartition, Long> lastConsumed = lastConsumedOffsets(kafka, groupId, timeout);
            return lastConsumed.isEmpty() ? Optional.empty() : Optional.ofNullable(latestTimestamp(kafka, lastConsumed, timeout));
        } catch (Exception e) {
            LOG.warn("Could not tell when the planner last consumed a record ({}); its downtime counts from its own latest"
                    + " deployment event", PlannerLoop.rootMessage(e));
            return Optional.empty();
        }
    }

    private static Map<TopicPartition, Long> lastConsumedOffsets(Map<String, Object> kafka, String groupId, Duration timeout)
            throws Exception {
        try (Admin admin = Admin.create(kafka)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return committed.entrySet().stream()
                    .filter(e -> e.getValue() != null && e.getValue().offset() > 0)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset() - 1));
        }
    }

    private static Instant latestTimestamp(Map<String, Object> kafka, Map<TopicPartition, Long> lastConsumed, Duration timeout) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kanary-planner-last-awake-" + UUID.randomUUID());
        long latest = Long.MIN_VALUE;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(lastConsumed.keySet());
            lastConsumed.forEach(consumer::seek);
            Map<TopicPartition, Long> pending = new HashMap<>(lastConsumed);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    Long wanted = pending.get(partition);
                    // The consumed record itself, or (if retention removed it) nothing from this partition.
                    if (wanted != null && record.offset() <= wanted) {
                        latest = Math.max(latest, record.timestamp());
                    }
                    if (wanted != null) {
                        pending.remove(partition);
                        consumer.pause(List.of(partition));
                    }
                }
                pending.keySet().removeIf(p -> consumer.position(p) > lastConsumed.get(p));
            }
        }
        return latest == Long.MIN_VALUE ? null : Instant.ofEpochMilli(latest);
    }
}
