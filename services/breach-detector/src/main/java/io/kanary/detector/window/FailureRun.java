package io.kanary.detector.window;

/**
 * One host's current run of consecutive failed probes.
 *
 * @param failures how many probes have failed in a row
 * @param sinceMs  when the first of them was made
 */
public record FailureRun(long failures, long sinceMs) {
    /** The run after one more failed probe at {@code atMs}; a first failure when {@code run} is null. */
    static FailureRun extend(FailureRun run, long atMs) {
        return run == null ? new FailureRun(1, atMs) : new FailureRun(run.failures + 1, run.sinceMs);
    }

    /**
     * The run after {@code failures} more failures at {@code atMs} (a mostly failing traffic sample's
     * errors); a first stretch of failures when {@code run} is null.
     */
    static FailureRun extendBy(FailureRun run, long failures, long atMs) {
        return run == null ? new FailureRun(failures, atMs) : new FailureRun(run.failures + failures, run.sinceMs);
    }

    /** How long the run has lasted at {@code atMs}. */
    long spanMs(long atMs) {
        return Math.max(0, atMs - sinceMs);
    }
}
