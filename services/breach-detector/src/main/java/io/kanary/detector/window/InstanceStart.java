package io.kanary.detector.window;

/**
 * One instance's start as its probes show it.
 *
 * @param firstProbeMs when its first probe was made: the start-up grace counts from here
 * @param up           whether it has answered a probe healthy yet
 * @param lastProbeMs  when it was last probed (kept coarsely, to forget instances no longer probed)
 */
public record InstanceStart(long firstProbeMs, boolean up, long lastProbeMs) {
}
