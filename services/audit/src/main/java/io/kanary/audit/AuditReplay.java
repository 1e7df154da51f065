package io.kanary.audit;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.KanaryEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every kanary topic from offset 0 up to where it ended when the replay began, and builds
 * the {@link AuditReport}. Partitions are assigned by hand and nothing is committed: an audit
 * leaves no trace on the cluster, and two audits of the same topics give the same report.
 *
 * <p>No record stops it: a null, truncated, oversized or incomplete record is listed in the
 * report as undecodable, with the reason, and the replay goes on. It dead-letters nothing: the
 * DLQs belong to the services that act on the records, and an audit that wrote to them would
 * add a copy at every run.
 */
public final class AuditReplay {
    private static final Duration POLL = Duration.ofMillis(200);

    private AuditReplay() {
    }

    /**
     * @param kafka   Kafka client properties
     * @param timeout the most the replay may take; what was not read by then is named in the
     *                report's problems
     */
    public static AuditReport replay(Map<String, Object> kafka, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<AuditEvent> events = new ArrayList<>();
        List<UndecodableRecord> undecodable = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(kafka), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Map<String, Topic<String, ?>> topics = new HashMap<>();
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic<String, ?> topic : Topics.ALL) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), remaining(deadline));
                if (infos == null || infos.isEmpty()) {
                    problems.add("topic " + topic.name() + " does not exist");
                    continue;
                }
                topics.put(topic.name(), topic);
                infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed these are the last stable offsets: the end of what is committed now.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, remaining(deadline));
            Set<TopicPartition> pending = new HashSet<>(partitions);
            pending.removeIf(p -> consumer.position(p, remaining(deadline)) >= ends.get(p));
            consumer.pause(partitions.stream().filter(p -> !pending.contains(p)).toList());
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(min(POLL, remaining(deadline)))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < ends.get(partition)) {
                        read(record, topics.get(record.topic()), events, undecodable);
                    }
                }
                List<TopicPartition> done = pending.stream().filter(p -> consumer.position(p) >= ends.get(p)).toList();
                done.forEach(pending::remove);
                consumer.pause(done);
            }
            if (!pending.isEmpty()) {
                problems.add("replay stopped after " + timeout.toMillis() + " ms before the end of "
                        + pending.stream().map(p -> p.topic() + "[" + p.partition() + "] (at " + consumer.position(p)
                        + " of " + ends.get(p) + ")").sorted().collect(Collectors.joining(", ")));
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Couldn't read kanary's topics at "
                    + kafka.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + " within " + timeout.toMillis() + " ms: "
                    + e.getMessage(), e);
        }
        return AuditReport.of(events, undecodable, problems);
    }

    private static <V> void read(ConsumerRecord<byte[], byte[]> record, Topic<String, V> topic,
                                 List<AuditEvent> events, List<UndecodableRecord> undecodable) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        EventReader.Outcome<V> read = EventReader.of(topic).read(record);
        if (read.isRefused() || !(read.event() instanceof KanaryEvent event)) {
            undecodable.add(new UndecodableRecord(record.topic(), record.partition(), record.offset(), key,
                    read.isRefused() ? read.refusal() : "not a kanary event"));
            return;
        }
        events.add(new AuditEvent(record.topic(), record.partition(), record.offset(), key, event,
                header(record, CloudEvents.ID), header(record, CloudEvents.TYPE), header(record, CloudEvents.TIME),
                header(record, CloudEvents.SOURCE), header(record, CloudEvents.SUBJECT),
                header(record, CloudEvents.CAUSATION_ID), Instant.ofEpochMilli(record.timestamp())));
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return CloudEvents.header(record, name).orElse(null);
    }

    private static Map<String, Object> consumerProps(Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "kanary-audit");
        return props;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
