package io.kanary.executor;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed while commands of several hosts, sharing a partition, finish
 * out of order: a partition's offset advances only past records whose outcome is published.
 * {@link #begin}, {@link #skip} and {@link #committable} run on the polling thread; {@link #done}
 * on any.
 */
final class OffsetTracker {
    private final Map<TopicPartition, Progress> progress = new ConcurrentHashMap<>();

    private static final class Progress {
        final ConcurrentSkipListSet<Long> inFlight = new ConcurrentSkipListSet<>();
        volatile long next = -1;
        long committed = -1;
    }

    void begin(TopicPartition partition, long offset) {
        Progress p = progress.computeIfAbsent(partition, tp -> new Progress());
        p.inFlight.add(offset);
        p.next = offset + 1;
    }

    /** A record that needs no work: not our host's, or dead-lettered. */
    void skip(TopicPartition partition, long offset) {
        progress.computeIfAbsent(partition, tp -> new Progress()).next = offset + 1;
    }

    void done(TopicPartition partition, long offset) {
        Progress p = progress.get(partition);
        if (p != null) {
            p.inFlight.remove(offset);
        }
    }

    /** Offsets that moved since the last {@link #committed} call. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        progress.forEach((partition, p) -> {
            // ceiling rather than first(): another thread may empty the set in between.
            Long oldest = p.inFlight.ceiling(Long.MIN_VALUE);
            long upTo = oldest == null ? p.next : oldest;
            if (upTo > p.committed) {
                offsets.put(partition, new OffsetAndMetadata(upTo));
            }
        });
        return offsets;
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            Progress p = progress.get(partition);
            if (p != null) {
                p.committed = offset.offset();
            }
        });
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(progress::remove);
    }
}
