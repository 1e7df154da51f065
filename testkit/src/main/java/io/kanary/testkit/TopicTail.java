package io.kanary.testkit;

import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
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

/**
 * Everything a topic has held since the tail was opened on it, every partition, read from the start
 * with read_committed and kept (in each partition's order): each {@link #poll()} adds what arrived since, so an await can ask
 * again until what it waits for is there.
 */
public final class TopicTail implements AutoCloseable {
    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

    public TopicTail(Map<String, Object> kafka, String topic) {
        this.topic = topic;
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        // A topic not created yet: its first partition, read once it exists.
        consumer.assign(partitions.isEmpty() ? List.of(new TopicPartition(topic, 0)) : partitions);
        consumer.seekToBeginning(consumer.assignment());
    }

    /** Every record seen so far, the ones that arrived since the last call included. */
    public synchronized List<ConsumerRecord<byte[], byte[]>> poll() {
        consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
        return List.copyOf(seen);
    }

    /** The events of {@code type} seen so far, read with the serde of the kanary topic tailed. */
    public <T> List<T> values(Class<T> type) {
        Topic<String, ?> kanaryTopic = Topics.ALL.stream().filter(t -> t.name().equals(topic)).findFirst()
                .orElseThrow(() -> new IllegalStateException(topic + " is no kanary topic: read its records with poll()"));
        return poll().stream()
                .map(r -> kanaryTopic.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
