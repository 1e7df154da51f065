package io.kanary.audit;

import io.kanary.schema.KanaryEvent;
import java.time.Instant;

/**
 * One replayed record: where it was, the event, and its CloudEvents headers.
 *
 * @param ceTime    the raw {@code ce_time} header, or null
 * @param timestamp the Kafka record's timestamp
 */
public record AuditEvent(String topic, int partition, long offset, String key, KanaryEvent event, String ceId,
                         String ceType, String ceTime, String ceSource, String ceSubject, String causationId,
                         Instant timestamp) {

    /** The event's id: its {@code ce_id}, or the event id when the header is missing. */
    public String id() {
        return ceId != null ? ceId : event.eventId();
    }

    /** When it happened: {@code ce_time}, or the record's timestamp when that is missing or unreadable. */
    public Instant time() {
        return RecordOrder.timeOf(ceTime, timestamp);
    }

    /** The event's kind, e.g. {@code deployment.rolled-back}. */
    public String typeName() {
        return event.typeName();
    }
}
