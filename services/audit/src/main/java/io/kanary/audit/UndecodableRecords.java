package io.kanary.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records a replay could not read: the first {@link #LISTED} of each topic listed with the
 * reason, the rest counted, so a topic full of garbage cannot fill the audit's memory.
 */
final class UndecodableRecords {
    static final int LISTED = 1_000;
    private static final Comparator<UndecodableRecord> ORDER = Comparator
            .comparingInt((UndecodableRecord u) -> RecordOrder.topicRank(u.topic()))
            .thenComparing(UndecodableRecord::topic)
            .thenComparingInt(UndecodableRecord::partition)
            .thenComparingLong(UndecodableRecord::offset);

    private final Map<String, List<UndecodableRecord>> listed = new TreeMap<>();
    private final Map<String, Long> unlisted = new TreeMap<>();

    void add(UndecodableRecord record) {
        List<UndecodableRecord> ofTopic = listed.computeIfAbsent(record.topic(), k -> new ArrayList<>());
        if (ofTopic.size() < LISTED) {
            ofTopic.add(record);
        } else {
            unlisted.merge(record.topic(), 1L, Long::sum);
        }
    }

    /** In topic, partition and offset order. */
    List<UndecodableRecord> listed() {
        return listed.values().stream().flatMap(List::stream).sorted(ORDER).toList();
    }

    /** A sentence per topic with more undecodable records than are listed. */
    List<String> problems() {
        return unlisted.entrySet().stream().map(e -> e.getValue() + " more undecodable records on " + e.getKey()
                + " are not listed (the first " + LISTED + " are)").toList();
    }
}
