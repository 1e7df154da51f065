package io.kanary.audit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last {@code capacity} event ids seen, to count a redelivered probe once. Exact for a record
 * sent again within the last {@code capacity} records read (a producer's retry, a publisher
 * restarted mid-batch); an id older than that is forgotten, because remembering every probe's id
 * would make memory grow with history, which the audit must not.
 */
final class RecentIds {
    private final Map<String, Boolean> ids;

    RecentIds(int capacity) {
        this.ids = new LinkedHashMap<>(capacity * 4 / 3 + 1) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time {@code id} is seen (within the window). */
    boolean firstSight(String id) {
        return ids.putIfAbsent(id, Boolean.TRUE) == null;
    }
}
