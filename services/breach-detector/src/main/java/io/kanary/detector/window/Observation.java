package io.kanary.detector.window;

import io.kanary.detector.state.ActiveDeployment;
import io.kanary.schema.ProbeResult;

/**
 * What a probe of a deployment's new version makes visible: the new version's window ending at
 * that probe, and the baseline version's over the same buckets.
 *
 * @param probe       the probe that triggered the look; a breach found now is detected by it
 * @param causationId the probe's CloudEvents id, for the breach it may cause
 * @param candidate   the new version's probes in the window
 * @param baseline    the baseline version's probes in the same window (empty without a baseline)
 * @param baselineHistory the baseline version's probes over the policy's whole window, also from before
 *                    the deployment began: its usual behaviour, the reference the new version is held to
 * @param fromMs      when the window's first bucket starts
 * @param bucketMs    the length of a bucket
 * @param firstBucketMs when the deployment's first bucket starts: the sequential tests count
 *                    possible starts of the evidence from it
 */
public record Observation(ActiveDeployment deployment, ProbeResult probe, String causationId, WindowStats candidate,
                          WindowStats baseline, WindowStats baselineHistory, long fromMs, long bucketMs, long firstBucketMs) {

    /** How many buckets the window spans, up to and including the probe's. */
    public int slots() {
        long probeBucket = probe.probedAt().toEpochMilli() - Math.floorMod(probe.probedAt().toEpochMilli(), bucketMs);
        return (int) ((probeBucket - fromMs) / bucketMs) + 1;
    }
}
