package io.kanary.executor;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes host events and waits for each to be written, so offsets are committed only after. */
final class HostEventPublisher implements AutoCloseable {
    static final String SOURCE = "/kanary/executor";
    private static final Logger LOG = LoggerFactory.getLogger(HostEventPublisher.class);

    private final Producer<String, HostEvent> producer;

    HostEventPublisher(Map<String, Object> kafka, String executorId) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kanary-executor-" + executorId + "-events");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(props, new StringSerializer(),
                Topics.HOST_EVENTS.valueSerde().serializer());
    }

    /** The Kafka client meters of its producer, to bind to a registry. */
    io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics clientMetrics() {
        return new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(producer);
    }

    /** Over a given producer, for unit tests of the classes that publish. */
    HostEventPublisher(Producer<String, HostEvent> producer) {
        this.producer = producer;
    }

    /**
     * Sends {@code event} keyed by its host and waits for the broker's acknowledgement (bounded by
     * the producer's {@code delivery.timeout.ms}).
     *
     * @throws NotPublished when it cannot be written
     */
    void publish(HostEvent event, String causationId) throws InterruptedException {
        try {
            producer.send(CloudEvents.<HostEvent>record(Topics.HOST_EVENTS, event.hostId(), event,
                    SOURCE, causationId)).get();
        } catch (ExecutionException e) {
            throw new NotPublished("cannot publish " + event.typeName() + " for " + event.hostId() + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Sends {@code event} without waiting, for events whose loss one interval later makes good
     * (heartbeats); a failure is only logged.
     */
    void publishLater(HostEvent event) {
        producer.send(CloudEvents.<HostEvent>record(Topics.HOST_EVENTS, event.hostId(), event, SOURCE, null),
                (metadata, error) -> {
                    if (error != null) {
                        LOG.warn("Cannot publish {} for {}: {}", event.typeName(), event.hostId(), error.getMessage());
                    }
                });
    }

    /** An event could not be written to Kafka; what caused it may be done, and is safe to retry. */
    static final class NotPublished extends IllegalStateException {
        NotPublished(String message, Throwable cause) {
            super(message, cause);
        }
    }

    void close(Duration wait) {
        producer.close(wait);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
