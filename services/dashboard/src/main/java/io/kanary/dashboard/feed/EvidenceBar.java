package io.kanary.dashboard.feed;

/**
 * How far a deployment's current batch has got toward "healthy" and toward "breach", from the
 * breach-detector's judgements: its progress records while the batch waits, then its verdict.
 *
 * @param batch          the batch (1-based)
 * @param towardHealthy  the healthy test's statistic as a share of its threshold, 0..1
 * @param towardBreach   the breach side's statistic as a share of its threshold, 0..1
 * @param samples        probes and traffic requests counted for the batch
 * @param requests       of those, traffic requests
 * @param waitedMs       how long the batch has waited for its judgement
 * @param evidenceWaitMs how long it may wait before the judgement is inconclusive
 * @param verdict        {@code healthy} or {@code inconclusive} once judged; null while it waits
 * @param summary        the detector's sentence about it
 */
public record EvidenceBar(int batch, double towardHealthy, double towardBreach, long samples, long requests,
                          long waitedMs, long evidenceWaitMs, String verdict, String summary) {
    public static final String HEALTHY = "healthy";
    public static final String INCONCLUSIVE = "inconclusive";

    /** Whether the batch still waits for its judgement. */
    public boolean waiting() {
        return verdict == null;
    }
}
