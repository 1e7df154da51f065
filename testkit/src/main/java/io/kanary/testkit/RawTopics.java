package io.kanary.testkit;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.TopicReplay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes any bytes to a topic and reads a topic to its end, as a producer or consumer outside
 * kanary would: how a test feeds poison records and then reads what landed on the DLQs.
 */
public final class RawTopics {
    /** Bounds a read of a test's topic: generous for a loaded machine, short enough to fail a hang. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private RawTopics() {
    }

    /** Writes {@code value} (null for a null record) under {@code key} (null for none) and returns its offset. */
    public static long write(Map<String, Object> kafka, String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, key == null ? null : utf8(key), value)).get().offset();
        }
    }

    /** Writes {@code value} as UTF-8 (null for a null record) and returns its offset. */
    public static long write(Map<String, Object> kafka, String topic, String key, String value) throws Exception {
        return write(kafka, topic, key, value == null ? null : utf8(value));
    }

    /** Every committed record {@code topic} holds now, each partition in offset order; none when it does not exist. */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(Map<String, Object> kafka, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        TopicReplay.readToEnd(kafka, List.of(topic), READ_TIMEOUT, records::add);
        return records;
    }

    /** The header's value as text, or "" when the record has none. */
    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return CloudEvents.header(record, name).orElse("");
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
