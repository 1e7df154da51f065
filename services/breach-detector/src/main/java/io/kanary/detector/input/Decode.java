package io.kanary.detector.input;

import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topic;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
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
    private final EventReader<T> reader;
    private final Validator<T> validator;

    private Decode(Topic<String, T> topic, Validator<T> validator) {
        this.topic = topic;
        this.reader = EventReader.of(topic);
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
                Decoded<T> decoded = decode(record);
                if (decoded.isRefused() || !InputRules.ignored(decoded.event())) {
                    context().forward(record.withValue(decoded));
                }
            }

            private Decoded<T> decode(Record<byte[], byte[]> record) {
                EventReader.Outcome<T> read = reader.read(record.value());
                if (read.isRefused()) {
                    return refuse(record, read.refusal());
                }
                T event = read.event();
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                Optional<String> problem;
                try {
                    problem = validator.problem(key, event);
                } catch (RuntimeException e) {
                    problem = Optional.of("the breach-detector could not check it (" + e.getClass().getSimpleName() + ")");
                }
                return problem
                        .map(p -> refuse(record, "Not a valid " + event.getClass().getSimpleName() + ": " + p))
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
