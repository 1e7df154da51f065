package io.kanary.cli.rollout;

import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topics;
import io.kanary.schema.Judgement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The latest evidence record of one deployment's waiting batch, read from the judgements topic:
 * the planner's API says only that a batch waits, the breach-detector publishes how far it has got.
 * Reads only the topic's last {@link #LOOK_BACK} (records come once a second per waiting batch), with
 * no consumer group, so it leaves nothing behind on the broker.
 */
public final class LatestEvidence {
    /** Older than this, a record no longer says where a batch that still waits stands. */
    public static final Duration LOOK_BACK = Duration.ofSeconds(30);
    private static final EventReader<Judgement> READER = EventReader.of(Topics.JUDGEMENTS);

    private LatestEvidence() {
    }

    /**
     * @return the deployment's newest progress record written in the {@link #LOOK_BACK} before now, or empty
     * @throws org.apache.kafka.common.KafkaException when Kafka does not answer within the timeout
     */
    public static Optional<Judgement.Progress> of(Map<String, Object> kafka, String deploymentId, Instant now, Duration timeout) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.JUDGEMENTS.name(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                return Optional.empty();
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> since = new HashMap<>();
            partitions.forEach(p -> since.put(p, now.minus(LOOK_BACK).toEpochMilli()));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            for (Map.Entry<TopicPartition, OffsetAndTimestamp> from : consumer.offsetsForTimes(since, timeout).entrySet()) {
                // No record since then: nothing to read on this partition.
                consumer.seek(from.getKey(), from.getValue() == null ? ends.get(from.getKey()) : from.getValue().offset());
            }
            Judgement.Progress latest = null;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    EventReader.Outcome<Judgement> read = READER.read(record);
                    // An unreadable record is the detector's and the audit's business; status only looks for progress.
                    if (!read.isRefused() && read.event() instanceof Judgement.Progress p && p.deploymentId().equals(deploymentId)
                            && (latest == null || !p.judgedAt().isBefore(latest.judgedAt()))) {
                        latest = p;
                    }
                }
            }
            return Optional.ofNullable(latest);
        }
    }
}
