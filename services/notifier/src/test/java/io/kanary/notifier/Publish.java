package io.kanary.notifier;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Topic;
import io.kanary.schema.KanaryEvent;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;

/** Writes events to kanary's topics as their emitters do: the event as JSON, CloudEvents headers, keyed by service. */
final class Publish {
    private Publish() {
    }

    static <T extends KanaryEvent> void event(Map<String, Object> kafka, Topic<String, T> topic, T event, String source)
            throws Exception {
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(kafka, topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            producer.send(CloudEvents.record(topic, "web", event, source, null)).get();
        }
    }
}
