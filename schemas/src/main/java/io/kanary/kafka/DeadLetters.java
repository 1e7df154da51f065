package io.kanary.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead-letter records: the original key and bytes, untouched, with headers that say where they
 * came from and why they were refused. Consumers send bad input here and move on.
 */
public final class DeadLetters {
    public static final String TOPIC = "kanary_dlq_topic";
    public static final String PARTITION = "kanary_dlq_partition";
    public static final String OFFSET = "kanary_dlq_offset";
    public static final String REASON = "kanary_dlq_reason";
    /** Which consumer refused the record: a record two consumers refuse is dead-lettered once by each. */
    public static final String CONSUMER = "kanary_dlq_consumer";

    private DeadLetters() {
    }

    /**
     * The dead letter of {@code bad}, refused by {@code consumer} (e.g. {@code planner}) for {@code reason}.
     */
    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> bad, String reason, String consumer) {
        ProducerRecord<byte[], byte[]> letter = of(bad, reason);
        letter.headers().add(CONSUMER, utf8(consumer == null ? "unknown" : consumer));
        return letter;
    }

    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> bad, String reason) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : bad.headers()) {
            headers.add(header);
        }
        headers.add(TOPIC, utf8(bad.topic()));
        headers.add(PARTITION, utf8(Integer.toString(bad.partition())));
        headers.add(OFFSET, utf8(Long.toString(bad.offset())));
        headers.add(REASON, utf8(reason == null ? "unknown" : reason));
        return new ProducerRecord<>(bad.topic() + ".dlq", null, bad.key(), bad.value(), headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
