package io.kanary.kafka;

import io.kanary.schema.KanaryEvent;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads one record of a topic into its event, or says in a sentence why it cannot: no value, a
 * value too large, bytes that are not a valid event of the topic's type (truncated JSON, wrong
 * types, an unknown {@code type}), or a required field missing. It never throws, so a consumer
 * that reads through it cannot be stopped by a record; what it does with a refusal (dead-letter
 * it, or skip it with a log line when another consumer owns the topic's DLQ) is its own choice.
 */
public final class EventReader<T> {
    /** Larger values are refused unread: no kanary event comes near this, and parsing one costs memory. */
    public static final int MAX_VALUE_BYTES = 512 * 1024;

    private final Topic<String, T> topic;

    private EventReader(Topic<String, T> topic) {
        this.topic = topic;
    }

    public static <T> EventReader<T> of(Topic<String, T> topic) {
        return new EventReader<>(topic);
    }

    /** The event of {@code record}, or why it was refused. */
    public Outcome<T> read(ConsumerRecord<byte[], byte[]> record) {
        return read(record.value());
    }

    public Outcome<T> read(byte[] value) {
        if (value == null) {
            return Outcome.refused("no value (a null record); every " + topic.name() + " record carries a JSON event");
        }
        if (value.length > MAX_VALUE_BYTES) {
            return Outcome.refused("value of " + value.length + " bytes is larger than the " + MAX_VALUE_BYTES
                    + " bytes a kanary event may have");
        }
        T event;
        try {
            event = topic.valueSerde().deserializer().deserialize(topic.name(), value);
        } catch (RuntimeException e) {
            return Outcome.refused(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        if (event == null) {
            return Outcome.refused("the value is JSON null; every " + topic.name() + " record carries a JSON event");
        }
        if (event instanceof KanaryEvent kanaryEvent) {
            Optional<String> missing = RequiredFields.problem(kanaryEvent);
            if (missing.isPresent()) {
                return Outcome.refused(missing.get());
            }
        }
        return Outcome.of(event);
    }

    /** A record read: exactly one of {@code event} and {@code refusal} is set. */
    public record Outcome<T>(T event, String refusal) {
        static <T> Outcome<T> of(T event) {
            return new Outcome<>(event, null);
        }

        static <T> Outcome<T> refused(String refusal) {
            return new Outcome<>(null, refusal);
        }

        public boolean isRefused() {
            return refusal != null;
        }
    }
}
