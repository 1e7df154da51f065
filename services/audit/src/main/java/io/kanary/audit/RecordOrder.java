package io.kanary.audit;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where a record stands in the audit's time order: its time ({@code ce_time}, else the record's
 * timestamp), then its topic in {@link Topics#ALL}'s order, its partition and its offset. The same
 * order sorts the timeline, merges the partitions and picks the first probe of a sum, so each
 * view of the same records agrees.
 */
record RecordOrder(Instant time, int topicRank, int partition, long offset) implements Comparable<RecordOrder> {
    private static final Comparator<RecordOrder> ORDER = Comparator.comparing((RecordOrder o) -> o.time)
            .thenComparingInt(RecordOrder::topicRank)
            .thenComparingInt(RecordOrder::partition)
            .thenComparingLong(RecordOrder::offset);

    static RecordOrder of(AuditEvent e) {
        return new RecordOrder(e.time(), topicRank(e.topic()), e.partition(), e.offset());
    }

    static RecordOrder of(ConsumerRecord<byte[], byte[]> record) {
        Instant timestamp = Instant.ofEpochMilli(record.timestamp());
        return new RecordOrder(timeOf(CloudEvents.header(record, CloudEvents.TIME).orElse(null), timestamp),
                topicRank(record.topic()), record.partition(), record.offset());
    }

    /** {@code ce_time}, or the record's timestamp when that is missing or unreadable. */
    static Instant timeOf(String ceTime, Instant timestamp) {
        if (ceTime != null) {
            try {
                return Instant.parse(ceTime);
            } catch (DateTimeParseException e) {
                // fall through: the broker's timestamp is the next best clock
            }
        }
        return timestamp;
    }

    static int topicRank(String topic) {
        List<Topic<String, ?>> all = Topics.ALL;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).name().equals(topic)) {
                return i;
            }
        }
        return all.size();
    }

    @Override
    public int compareTo(RecordOrder other) {
        return ORDER.compare(this, other);
    }
}
