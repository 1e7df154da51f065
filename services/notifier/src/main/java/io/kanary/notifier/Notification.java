package io.kanary.notifier;

import io.kanary.kafka.CloudEvents;
import io.kanary.schema.KanaryEvent;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * An event to tell the targets about, with the record it was read from: a webhook receives the
 * record's bytes as they are, and a dead letter keeps them.
 */
record Notification(KanaryEvent event, ConsumerRecord<byte[], byte[]> record) {
    /** The emitter's {@code ce_source}, e.g. {@code /kanary/planner}; {@code /kanary} for a record without one. */
    String source() {
        return CloudEvents.header(record, CloudEvents.SOURCE).orElse("/kanary");
    }

    /** When the event was written: its {@code ce_time}, or the record's timestamp for a record without one. */
    String time() {
        return CloudEvents.header(record, CloudEvents.TIME).orElse(Instant.ofEpochMilli(record.timestamp()).toString());
    }

    /** E.g. {@code breaches[0]@12}: where it came from, for log lines. */
    String where() {
        return record.topic() + "[" + record.partition() + "]@" + record.offset();
    }
}
