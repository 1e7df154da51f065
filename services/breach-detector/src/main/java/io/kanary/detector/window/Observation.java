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
 */
public record Observation(ActiveDeployment deployment, ProbeResult probe, String causationId, WindowStats candidate,
                          WindowStats baseline) {
}
