package io.kanary.detector.window;

import io.kanary.schema.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Tells a new instance's start-up from its version's errors. Until an instance first answers a probe
 * healthy, and for at most the policy's start-up grace counted from its first probe, its failed
 * probes are its JVM or container starting (on a busy host that takes seconds), not something its
 * version does: they are neither counted nor judged. Past the grace they count again, so an
 * instance that never comes up is still caught; once it has answered healthy, every failure counts.
 *
 * <p>Everything is decided from the probes themselves (their instance and probe time), in the order
 * the job reads them, so a replay excuses exactly the same probes. Probes that name no instance nor
 * host (an external sampler's) get no grace: there is no instance whose start they could belong to.
 */
final class StartupGrace {
    /**
     * How stale an instance's {@code lastProbeMs} may be before a probe refreshes it: a write per
     * minute per instance, instead of one per probe.
     */
    static final long REFRESH_MS = 60_000;

    private final KeyValueStore<String, InstanceStart> starts;
    private final long forgetAfterMs;

    /** @param forgetAfterMs an instance not probed for this long is forgotten (a later probe starts it afresh) */
    StartupGrace(KeyValueStore<String, InstanceStart> starts, long forgetAfterMs) {
        this.starts = starts;
        this.forgetAfterMs = forgetAfterMs;
    }

    /** Whether {@code probe} is a start-up failure within {@code graceMs}; notes what it shows of its instance. */
    boolean excuses(ProbeResult probe, long graceMs) {
        String instance = probe.instanceId() != null ? probe.instanceId() : probe.hostId();
        if (instance == null) {
            return false;
        }
        String key = probe.service() + '\u0000' + probe.version() + '\u0000' + instance;
        long at = probe.probedAt().toEpochMilli();
        InstanceStart start = starts.get(key);
        if (start == null) {
            starts.put(key, new InstanceStart(at, probe.ok(), at));
            return !probe.ok() && graceMs > 0;
        }
        long firstProbeMs = Math.min(start.firstProbeMs(), at); // probes may arrive slightly out of order
        boolean up = start.up() || probe.ok();
        if (up != start.up() || firstProbeMs != start.firstProbeMs() || at - start.lastProbeMs() >= REFRESH_MS) {
            starts.put(key, new InstanceStart(firstProbeMs, up, Math.max(start.lastProbeMs(), at)));
        }
        return !up && at - firstProbeMs < graceMs;
    }

    /**
     * Whether the traffic of {@code instance} over an interval from {@code fromMs} to {@code toMs} is its
     * start-up: it has not answered a probe healthy yet, and the interval ends within {@code graceMs} of
     * when it was first seen. Only a probe tells that an instance is up; an instance seen in traffic
     * before any probe starts its grace at that sample, so its traffic is judged after the grace even
     * if nothing ever probes it.
     */
    boolean excusesTraffic(String service, String version, String instance, long fromMs, long toMs, long graceMs) {
        String key = service + '\u0000' + version + '\u0000' + instance;
        InstanceStart start = starts.get(key);
        if (start == null) {
            starts.put(key, new InstanceStart(fromMs, false, toMs));
            return graceMs > 0 && toMs - fromMs < graceMs;
        }
        long firstSeenMs = Math.min(start.firstProbeMs(), fromMs);
        if (firstSeenMs != start.firstProbeMs() || toMs - start.lastProbeMs() >= REFRESH_MS) {
            starts.put(key, new InstanceStart(firstSeenMs, start.up(), Math.max(start.lastProbeMs(), toMs)));
        }
        return !start.up() && toMs - firstSeenMs < graceMs;
    }

    /** Forgets the instances not probed since {@code streamTimeMs} minus the retention. */
    void forgetStale(long streamTimeMs) {
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, InstanceStart> all = starts.all()) {
            while (all.hasNext()) {
                KeyValue<String, InstanceStart> entry = all.next();
                if (entry.value.lastProbeMs() < streamTimeMs - forgetAfterMs) {
                    stale.add(entry.key);
                }
            }
        }
        stale.forEach(starts::delete);
    }
}
