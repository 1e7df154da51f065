package io.kanary.kafka;

import io.kanary.schema.KanaryEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * CloudEvents 1.0 attributes as Kafka headers (binary content mode), so any CloudEvents consumer
 * can read kanary's streams, plus {@code ce_causationid}: the id of the event that caused this
 * one, which is how the audit chains cause to effect.
 */
public final class CloudEvents {
    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String CONTENT_TYPE = "content-type";
    /** Extension attribute: the ce_id of the event that caused this one. */
    public static final String CAUSATION_ID = "ce_causationid";

    private CloudEvents() {
    }

    /**
     * A record for {@code topic} carrying {@code event} and its CloudEvents headers.
     *
     * @param source      who emits it, e.g. {@code /kanary/planner}
     * @param causationId the id of the event that caused this one, or null for a first cause
     */
    public static <V extends KanaryEvent> ProducerRecord<String, V> record(Topic<String, ? super V> topic, String key,
                                                                         V event, String source, String causationId) {
        return new ProducerRecord<>(topic.name(), null, key, event, headers(event, source, causationId));
    }

    public static Headers headers(KanaryEvent event, String source, String causationId) {
        RecordHeaders headers = new RecordHeaders();
        put(headers, SPEC_VERSION, "1.0");
        put(headers, ID, event.eventId());
        put(headers, SOURCE, source);
        put(headers, TYPE, event.ceType());
        put(headers, TIME, Instant.now().toString());
        put(headers, CONTENT_TYPE, "application/json");
        if (event.subject() != null) {
            put(headers, SUBJECT, event.subject());
        }
        if (causationId != null) {
            put(headers, CAUSATION_ID, causationId);
        }
        return headers;
    }

    public static Optional<String> header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    public static Optional<String> header(ConsumerRecord<?, ?> record, String name) {
        return header(record.headers(), name);
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
