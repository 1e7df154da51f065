package io.kanary.planner.state;

import io.kanary.schema.Policy;
import io.kanary.schema.InstanceHealth;
import java.time.Duration;
import java.time.Instant;

/**
 * One updated host's health gate: it passes after {@code healthyProbes} consecutive good probes
 * of the new version that span at least {@code minHealthyMs}. A failed probe before it passes
 * starts the count again. Once passed it stays passed: judging the new version after that is
 * the breach-detector's job, not the gate's.
 *
 * <p>It reads the instance's streak from instance.health (good probes in a row, since when), not
 * every probe: the summary that first shows the streak long enough passes it and is the cause of
 * the batch's completion. Summaries of a growing streak come at most once a second, so a gate may
 * pass up to a second later than the probes alone would allow. A restart of the prober starts its
 * streaks again: that only delays a gate, never passes one early.
 */
public final class HostGate {
    private final String hostId;
    private boolean instanceStarted;
    private String instanceId;
    private int consecutiveGood;
    private Instant streakStart;
    private Instant streakLast;
    private String passedByProbeId;

    HostGate(String hostId) {
        this.hostId = hostId;
    }

    void markInstanceStarted(String instanceId) {
        instanceStarted = true;
        this.instanceId = instanceId;
    }

    void observe(InstanceHealth health, Policy policy) {
        if (!instanceStarted || passed() || isOfAnotherInstance(health)) {
            return;
        }
        if (!health.lastOk()) {
            consecutiveGood = 0;
            streakStart = null;
            return;
        }
        consecutiveGood = health.goodInARow();
        streakStart = health.goodSince();
        streakLast = health.lastProbedAt();
        if (consecutiveGood >= policy.healthyProbes() && healthyFor().toMillis() >= policy.minHealthyMs()) {
            passedByProbeId = health.eventId();
        }
    }

    /**
     * The streak of the same version but another instance (the one a restart replaced, probed late) says
     * nothing about the new instance. A summary that names no instance counts.
     */
    private boolean isOfAnotherInstance(InstanceHealth health) {
        return instanceId != null && health.instanceId() != null && !instanceId.equals(health.instanceId());
    }

    public String hostId() {
        return hostId;
    }

    public boolean isInstanceStarted() {
        return instanceStarted;
    }

    public boolean passed() {
        return passedByProbeId != null;
    }

    /** The instance.health summary that made the gate pass: the cause of the batch's completion. */
    public String passedByProbeId() {
        return passedByProbeId;
    }

    public int consecutiveGood() {
        return consecutiveGood;
    }

    public Duration healthyFor() {
        return streakStart == null ? Duration.ZERO : Duration.between(streakStart, streakLast);
    }

    /** Why the gate has not passed, for a deadline's reason: "host-2: 1 of 3 good probes, healthy 0.4s of 5.0s". */
    public String progress(Policy policy) {
        if (!instanceStarted) {
            return hostId + ": never reported the new version started";
        }
        return String.format("%s: %d good probe(s) in a row of %d needed, healthy %.1fs of %.1fs", hostId,
                consecutiveGood, policy.healthyProbes(), healthyFor().toMillis() / 1000.0, policy.minHealthyMs() / 1000.0);
    }
}
