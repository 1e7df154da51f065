package io.kanary.detector.input;

import io.kanary.detector.metrics.DetectorMetrics;
import io.kanary.kafka.DeadLetters;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a refused record back into its original key and bytes, with kanary's DLQ headers (source
 * topic, partition, offset, reason and the consumer that refused it) added to the headers it came with.
 */
public final class DeadLetter<T> extends ContextualProcessor<byte[], Decoded<T>, byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetter.class);
    /**
     * The name the detector signs its dead letters with. The job runs exactly_once_v2, so each
     * refused record is dead-lettered once, and its committed offsets keep a restart from doing it
     * again; it owns deploy.events' DLQ (every other reader of deploy.events only skips bad records).
     */
    public static final String CONSUMER = "breach-detector";
    private final DetectorMetrics metrics;

    public DeadLetter(DetectorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void process(Record<byte[], Decoded<T>> record) {
        Refusal refusal = record.value().refusal();
        LOG.warn("Refused {}-{}@{}: {}", refusal.topic(), refusal.partition(), refusal.offset(), refusal.reason());
        // DeadLetters speaks ConsumerRecord; rebuild one so the DLQ headers are the same as every other service's.
        ConsumerRecord<byte[], byte[]> bad = new ConsumerRecord<>(refusal.topic(), refusal.partition(),
                refusal.offset(), record.timestamp(), TimestampType.CREATE_TIME, -1, -1, refusal.key(),
                refusal.value(), record.headers(), Optional.empty());
        ProducerRecord<byte[], byte[]> letter = DeadLetters.of(bad, refusal.reason(), CONSUMER);
        context().forward(new Record<>(letter.key(), letter.value(), record.timestamp(), letter.headers()));
        metrics.deadLettered(refusal.topic());
    }
}
