package io.kanary.detector.input;

import io.kanary.kafka.Topic;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads a topic's raw bytes into its events inside the topology, so that bad bytes become a
 * {@link Refusal} on a branch of their own instead of a deserialization error that stops the job.
 */
public final class Decode<T> implements ProcessorSupplier<byte[], byte[], byte[], Decoded<T>> {
    private final Topic<String, T> topic;
    private final Validator<T> validator;

    private Decode(Topic<String, T> topic, Validator<T> validator) {
        this.topic = topic;
        this.validator = validator;
    }

    public static <T> Decode<T> of(Topic<String, T> topic, Validator<T> validator) {
        return new Decode<>(topic, validator);
    }

    @Override
    public Processor<byte[], byte[], byte[], Decoded<T>> get() {
        return new ContextualProcessor<>() {
            @Override
            public void process(Record<byte[], byte[]> record) {
                context().forward(record.withValue(decode(record)));
            }

            private Decoded<T> decode(Record<byte[], byte[]> record) {
                T event;
                try {
                    event = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
                } catch (SerializationException e) {
                    return refuse(record, e.getMessage());
                }
                if (event == null) {
                    return refuse(record, "no value (null record)");
                }
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                return validator.problem(key, event)
                        .map(problem -> refuse(record, "Not a valid " + event.getClass().getSimpleName() + ": " + problem))
                        .orElseGet(() -> Decoded.of(event));
            }

            private Decoded<T> refuse(Record<byte[], byte[]> record, String reason) {
                // Source records always have metadata; the fallback only covers punctuation-made records.
                RecordMetadata source = context().recordMetadata().orElse(null);
                return Decoded.refused(new Refusal(source == null ? topic.name() : source.topic(),
                        source == null ? -1 : source.partition(), source == null ? -1 : source.offset(),
                        record.key(), record.value(), reason));
            }
        };
    }
}
