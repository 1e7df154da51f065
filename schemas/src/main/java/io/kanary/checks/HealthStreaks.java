package io.kanary.checks;

import io.kanary.kafka.Ids;
import io.kanary.schema.InstanceHealth;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Derives instance.health from the probes of each instance: counts good probes in a row and says
 * when there is something new to publish. A change of the instance's ok-state (its first probe, the
 * first good after a bad one, the first bad after a good one) is published at once; otherwise (a
 * streak that only grows, or failures that go on) at most once per {@code growthInterval} of probe
 * time, which is what keeps the stream small at any probe rate. A health gate reading the stream may thus pass up to one
 * interval later than it would on every probe.
 *
 * <p>One streak per host and service (a host runs at most one instance of a service): a probe of
 * another instance or version starts a new one, so memory is bounded by the instances probed. Safe
 * to call from several threads (probes of one instance arrive in order from one caller).
 *
 * <p>Held in memory only: a restart of the prober starts every streak again from its next probe.
 * That only delays a gate (the streak has to span the policy's healthy time again), never passes one
 * early.
 */
public final class HealthStreaks {
    /** The default: a growing streak is published at most once a second. */
    public static final Duration DEFAULT_GROWTH_INTERVAL = Duration.ofSeconds(1);

    private record Key(String hostId, String service) {
    }

    /**
     * @param good        good probes in a row; {@code since} when the first of them was sent
     * @param publishedAt the probe time of the last summary published of this instance, null before the first
     */
    private record Streak(String instanceId, String version, int good, Instant since, boolean lastOk,
                          Instant publishedAt) {
    }

    private final Duration growthInterval;
    private final Map<Key, Streak> streaks = new ConcurrentHashMap<>();

    public HealthStreaks(Duration growthInterval) {
        this.growthInterval = growthInterval;
    }

    public HealthStreaks() {
        this(DEFAULT_GROWTH_INTERVAL);
    }

    /**
     * Counts {@code probe} and returns the summary to publish now, if any. A probe without a host
     * (an external sampler's) belongs to no instance and gives none; a probe the watcher skipped
     * (it was overloaded and never sent it) is neither good nor bad and gives none either.
     */
    public Optional<InstanceHealth> next(ProbeResult probe) {
        if (probe.hostId() == null || probe.wasSkipped()) {
            return Optional.empty();
        }
        InstanceHealth[] toPublish = {null};
        streaks.compute(new Key(probe.hostId(), probe.service()), (key, streak) -> {
            boolean fresh = streak == null || !probe.version().equals(streak.version())
                    || !Objects.equals(probe.instanceId(), streak.instanceId());
            boolean ok = probe.ok();
            int good = !ok ? 0 : fresh || !streak.lastOk() ? 1 : streak.good() + 1;
            Instant since = !ok ? null : good == 1 ? probe.probedAt() : streak.since();
            Instant publishedAt = fresh ? null : streak.publishedAt();
            if (fresh || streak.lastOk() != ok || isDue(publishedAt, probe.probedAt())) {
                toPublish[0] = new InstanceHealth(Ids.newId(), KanaryEvent.SCHEMA_VERSION, probe.service(),
                        probe.version(), probe.hostId(), probe.instanceId(), good, since, probe.probedAt(), ok,
                        probe.eventId());
                publishedAt = probe.probedAt();
            }
            return new Streak(probe.instanceId(), probe.version(), good, since, ok, publishedAt);
        });
        return Optional.ofNullable(toPublish[0]);
    }

    private boolean isDue(Instant publishedAt, Instant probedAt) {
        return publishedAt == null || !Duration.between(publishedAt, probedAt).minus(growthInterval).isNegative();
    }
}
