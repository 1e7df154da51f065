package io.kanary.notifier;

import io.kanary.kafka.DeadLetters;
import io.kanary.kafka.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Where the notifier puts what it cannot use: records it cannot read go to their topic's DLQ (as
 * every kanary consumer does), events a target did not take after the last try go to
 * {@value Topics#NOTIFICATIONS_DLQ} with the target in {@value #TARGET}. Both keep the original
 * key, bytes and headers. A send waits for the broker's ack: the feed commits past a record only
 * once its dead letter is safe.
 */
final class DeadLetterSink implements AutoCloseable {
    /** The URL of the target that did not take the event. */
    static final String TARGET = "kanary_dlq_target";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<byte[], byte[]> producer;
    private final NotifierMetrics metrics;
    private final KafkaClientMetrics producerMetrics;

    DeadLetterSink(Map<String, Object> kafka, NotifierMetrics metrics, MeterRegistry registry) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "kanary-notifier-dlq");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.metrics = metrics;
        this.producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
    }

    /** {@code record} could not be read as an event of its topic. */
    void unreadable(ConsumerRecord<byte[], byte[]> record, String reason) throws InterruptedException {
        send(DeadLetters.of(record, reason, Notifier.CONSUMER));
        metrics.deadLettered(record.topic());
    }

    /** {@code target} did not take {@code record}'s event: {@code reason} says what it answered last. */
    void undelivered(ConsumerRecord<byte[], byte[]> record, String target, String reason) throws InterruptedException {
        ProducerRecord<byte[], byte[]> letter = DeadLetters.of(record, reason, Notifier.CONSUMER);
        letter.headers().add(TARGET, target.getBytes(StandardCharsets.UTF_8));
        send(new ProducerRecord<>(Topics.NOTIFICATIONS_DLQ, null, letter.key(), letter.value(), letter.headers()));
        metrics.deadLettered(record.topic());
    }

    private void send(ProducerRecord<byte[], byte[]> letter) throws InterruptedException {
        try {
            producer.send(letter).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Couldn't write a dead letter to " + letter.topic() + " within "
                    + SEND_TIMEOUT.toSeconds() + " s: " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
    }

    @Override
    public void close() {
        producerMetrics.close();
        producer.close(Duration.ofSeconds(5));
    }
}
