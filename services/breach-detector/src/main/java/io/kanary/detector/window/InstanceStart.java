package io.kanary.detector.window;

/**
 * One instance's start as its probes show it.
 *
 * @param firstProbeMs when its first probe was made: the start-up grace counts from here
 * @param up           whether its start is over: it has passed as healthy (its policy's {@code healthyProbes} good
 *                     answers in a row), or its start-up grace has run out
 * @param lastProbeMs  when it was last probed (kept coarsely, to forget instances no longer probed)
 * @param goodInARow   its good answers in a row so far, while it is not up; null in a record written before
 *                     this was kept (read as none)
 */
public record InstanceStart(long firstProbeMs, boolean up, long lastProbeMs, Integer goodInARow) {

    /** An instance whose good answers in a row are not counted (up, or not yet answered). */
    public InstanceStart(long firstProbeMs, boolean up, long lastProbeMs) {
        this(firstProbeMs, up, lastProbeMs, null);
    }

    /** {@link #goodInARow()}, with a record that does not know it read as none. */
    int goodSoFar() {
        return goodInARow == null ? 0 : goodInARow;
    }
}
