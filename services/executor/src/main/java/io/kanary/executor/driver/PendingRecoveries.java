package io.kanary.executor.driver;

import java.util.ArrayList;
import java.util.List;

/** What a driver found at start and has not reported yet; each recovery is handed out once. */
final class PendingRecoveries {
    private final List<Recovery> pending = new ArrayList<>();

    synchronized void add(Recovery recovery) {
        pending.add(recovery);
    }

    synchronized void addAll(List<Recovery> recoveries) {
        pending.addAll(recoveries);
    }

    /** The recoveries not handed out yet, oldest first; none of them again. */
    synchronized List<Recovery> drain() {
        List<Recovery> found = List.copyOf(pending);
        pending.clear();
        return found;
    }
}
