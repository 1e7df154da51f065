package io.kanary.detector.window;

import io.kanary.detector.state.ActiveDeployment;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;

/**
 * What a probe (or a traffic sample) of a deployment's new version makes visible: the new version's
 * window ending at that probe, and the baseline version's over the same buckets.
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
 * @param sample      the traffic sample that triggered the look, or null for a probe; {@code probe} then
 *                    stands for it: a probe of its instance at its interval's end, ok when none of its
 *                    requests failed, so that everything timed by "the probe" is timed by the sample's end
 */
public record Observation(ActiveDeployment deployment, ProbeResult probe, String causationId, WindowStats candidate,
                          WindowStats baseline, WindowStats baselineHistory, long fromMs, long bucketMs, long firstBucketMs,
                          TrafficSample sample) {

    /** A probe's look. */
    public Observation(ActiveDeployment deployment, ProbeResult probe, String causationId, WindowStats candidate,
                       WindowStats baseline, WindowStats baselineHistory, long fromMs, long bucketMs, long firstBucketMs) {
        this(deployment, probe, causationId, candidate, baseline, baselineHistory, fromMs, bucketMs, firstBucketMs, null);
    }

    /** The probe that stands for a traffic sample in an observation (see {@code sample}). */
    public static ProbeResult standIn(TrafficSample sample) {
        return new ProbeResult(sample.eventId(), sample.schemaVersion(), sample.service(), sample.version(),
                sample.hostId(), sample.instanceId(), sample.errors() == 0, 0, 0, sample.intervalEnd(), null);
    }

    /** Whether a traffic sample, not a probe, triggered this look. */
    public boolean isTraffic() {
        return sample != null;
    }

    /** How many buckets the window spans, up to and including the probe's (a traffic sample's: the one it counts in). */
    public int slots() {
        long lastMs = sample == null ? probe.probedAt().toEpochMilli() : countedAtMs(sample);
        long probeBucket = lastMs - Math.floorMod(lastMs, bucketMs);
        return (int) ((probeBucket - fromMs) / bucketMs) + 1;
    }

    /**
     * The time a traffic sample counts at: the middle of its interval, so that a sample of one bucket's
     * length counts in the bucket most of its requests fell in.
     */
    public static long countedAtMs(TrafficSample sample) {
        long fromMs = sample.intervalStart().toEpochMilli();
        return fromMs + (sample.intervalEnd().toEpochMilli() - fromMs) / 2;
    }
}
