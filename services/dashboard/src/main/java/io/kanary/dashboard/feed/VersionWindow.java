package io.kanary.dashboard.feed;

import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The probes of one service's version over a sliding window, by probe time: what its error rate and
 * p99 are now. Probes older than the window are dropped as the window moves, so memory is bounded by
 * the probe rate times the window.
 */
final class VersionWindow {
    private final Duration window;
    private final Deque<ProbeResult> probes = new ArrayDeque<>();

    VersionWindow(Duration window) {
        this.window = window;
    }

    void add(ProbeResult probe) {
        probes.addLast(probe);
    }

    /** The version's figures over {@code (now - window, now]}. */
    VersionHealth at(String version, Instant now) {
        Instant from = now.minus(window);
        probes.removeIf(p -> !p.probedAt().isAfter(from));
        long[] latencies = probes.stream().filter(p -> !p.probedAt().isAfter(now)).mapToLong(ProbeResult::latencyMs)
                .sorted().toArray();
        if (latencies.length == 0) {
            return VersionHealth.unprobed(version);
        }
        long failed = probes.stream().filter(p -> !p.probedAt().isAfter(now) && !p.ok()).count();
        // Nearest rank: the smallest latency at or above which 99% of the probes lie.
        int rank = (int) Math.ceil(0.99 * latencies.length);
        return new VersionHealth(version, latencies.length, (double) failed / latencies.length, latencies[rank - 1]);
    }

    boolean isEmpty() {
        return probes.isEmpty();
    }
}
