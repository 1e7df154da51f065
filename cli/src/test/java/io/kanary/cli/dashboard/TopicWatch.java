package io.kanary.cli.dashboard;

import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topics;
import io.kanary.schema.KanaryEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What is on deploy.events and breaches, read from the beginning as the test asks: the moment an event is on its topic. */
final class TopicWatch implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<KanaryEvent> seen = new ArrayList<>();

    TopicWatch(Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove("group.instance.id");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = List.of(new TopicPartition(Topics.DEPLOY_EVENTS.name(), 0),
                new TopicPartition(Topics.BREACHES.name(), 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Every event read so far, after reading what has arrived since the last call. */
    List<KanaryEvent> events() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            EventReader.Outcome<? extends KanaryEvent> read = record.topic().equals(Topics.BREACHES.name())
                    ? EventReader.of(Topics.BREACHES).read(record) : EventReader.of(Topics.DEPLOY_EVENTS).read(record);
            if (!read.isRefused()) {
                seen.add(read.event());
            }
        }
        return List.copyOf(seen);
    }

    <T extends KanaryEvent> List<T> of(Class<T> type, String deploymentId) {
        return events().stream().filter(type::isInstance).map(type::cast).filter(e -> deploymentId.equals(e.subject())).toList();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
