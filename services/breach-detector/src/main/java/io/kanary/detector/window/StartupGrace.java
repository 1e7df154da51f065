package io.kanary.detector.window;

import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Tells a new instance's start-up from its version's behaviour. Until an instance first passes as
 * healthy — its policy's {@code healthyProbes} good answers in a row — and for at most the policy's
 * start-up grace counted from its first probe, its probes are its JVM or container starting (on a busy
 * host that takes seconds), not something its version does: they are neither counted nor judged, its
 * failures nor its answers' latencies. A cold JVM answers its first requests slowly, so an answer
 * counts as good here only if it is also no slower than the latency its version is held to (twice the
 * baseline's p99, else the policy's p99 limit: what the p99 tests would call slow). Not the median's
 * limit: a version slow in the middle of its distribution from its first answer would then pass for a
 * cold one until the grace ran out, and its median regression would wait for it. Past the grace
 * everything counts again, so an instance that never comes up, or never gets fast, is still caught; once
 * it has passed, every probe counts.
 *
 * <p>Everything is decided from the probes themselves (their instance, outcome, latency and probe
 * time), in the order the job reads them, so a replay excuses exactly the same probes. Probes that name
 * no instance nor host (an external sampler's) get no grace: there is no instance whose start they
 * could belong to.
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

    /** Whether {@code probe} is a start-up failure within {@code graceMs}, passing after one good answer. */
    boolean excuses(ProbeResult probe, long graceMs) {
        return excuses(probe, 1, graceMs, () -> Double.POSITIVE_INFINITY);
    }

    /**
     * Whether {@code probe} belongs to its instance's start-up under {@code policy}; notes what it shows of
     * its instance.
     *
     * @param settledLatencyMs the latency a good answer may take, asked only while the instance is not up
     */
    boolean excuses(ProbeResult probe, Policy policy, DoubleSupplier settledLatencyMs) {
        return excuses(probe, policy.healthyProbes(), policy.startupGraceMs(), settledLatencyMs);
    }

    private boolean excuses(ProbeResult probe, int healthyProbes, long graceMs, DoubleSupplier settledLatencyMs) {
        String instance = probe.instanceId() != null ? probe.instanceId() : probe.hostId();
        if (instance == null) {
            return false;
        }
        String key = probe.service() + '\u0000' + probe.version() + '\u0000' + instance;
        long at = probe.probedAt().toEpochMilli();
        InstanceStart start = starts.get(key);
        InstanceStart seen = start == null ? new InstanceStart(at, false, at, 0) : start;
        long firstProbeMs = Math.min(seen.firstProbeMs(), at); // probes may arrive slightly out of order
        // Past the grace its start is over whether it passed or not: nothing more to look up for it.
        boolean over = seen.up() || at - firstProbeMs >= graceMs;
        int goodInARow = over ? 0 : good(probe, settledLatencyMs) ? seen.goodSoFar() + 1 : 0;
        boolean up = over || goodInARow >= Math.max(1, healthyProbes);
        InstanceStart now = new InstanceStart(firstProbeMs, up, Math.max(seen.lastProbeMs(), at), up ? null : goodInARow);
        if (start == null || up != start.up() || firstProbeMs != start.firstProbeMs()
                || !Objects.equals(now.goodInARow(), start.goodInARow())
                || at - start.lastProbeMs() >= REFRESH_MS) {
            starts.put(key, now);
        }
        // The answer that makes it pass counts: from it on, the instance serves as its version does.
        return !up;
    }

    private static boolean good(ProbeResult probe, DoubleSupplier settledLatencyMs) {
        return probe.ok() && probe.latencyMs() <= settledLatencyMs.getAsDouble();
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
            // Its good answers so far stay: traffic tells nothing of whether it is up.
            starts.put(key, new InstanceStart(firstSeenMs, start.up(), Math.max(start.lastProbeMs(), toMs),
                    start.goodInARow()));
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
