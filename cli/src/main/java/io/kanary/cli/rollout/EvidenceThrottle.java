package io.kanary.cli.rollout;

import io.kanary.schema.Judgement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides which of a waiting batch's progress records the console prints: the breach-detector
 * publishes one a second per batch, which would bury the rollout's events. A batch's first record
 * is printed; after it, one whose evidence moved by at least {@link #STEP_POINTS} percentage points toward either side, but
 * not sooner than {@link #MIN_GAP} after the last line; and at least one every {@link #EVERY} while
 * it waits. Times are the records' own, so a replayed history thins out the same way as a live one.
 */
public final class EvidenceThrottle {
    static final long STEP_POINTS = 10;
    static final Duration MIN_GAP = Duration.ofSeconds(2);
    static final Duration EVERY = Duration.ofSeconds(5);

    /** deployment id → the last progress printed for it. */
    private final Map<String, Judgement.Progress> printed = new HashMap<>();

    /** Whether to print this record; when so, it becomes the one the next are compared with. */
    public boolean shouldPrint(Judgement.Progress p) {
        Judgement.Progress last = printed.get(p.deploymentId());
        if (last != null && (last.batch() != p.batch() || !last.version().equals(p.version()))) {
            last = null; // a new batch: its first record always shows
        }
        if (last != null) {
            if (p.judgedAt().isBefore(last.judgedAt()) || p.eventId().equals(last.eventId())) {
                return false; // a repeat (the detector restarted) or an older record read late
            }
            Duration since = Duration.between(last.judgedAt(), p.judgedAt());
            // In the printed whole percentages, so 52% -> 62% counts as the 10 points a reader sees.
            boolean moved = Math.abs(EvidenceLine.percent(p.towardHealthy()) - EvidenceLine.percent(last.towardHealthy())) >= STEP_POINTS
                    || Math.abs(EvidenceLine.percent(p.towardBreach()) - EvidenceLine.percent(last.towardBreach())) >= STEP_POINTS;
            if (!(since.compareTo(EVERY) >= 0 || moved && since.compareTo(MIN_GAP) >= 0)) {
                return false;
            }
        }
        printed.put(p.deploymentId(), p);
        return true;
    }

    /** The deployment's batch was judged or the deployment ended: forget it. */
    public void forget(String deploymentId) {
        printed.remove(deploymentId);
    }
}
