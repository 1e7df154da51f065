package io.kanary.detector.window;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The probes of a bucket that were slower than every probe before them (in probe time). The
 * earliest probe slower than any threshold is always one of them, so a bucket can answer "when was
 * the first probe over T ms?" for a threshold it did not know when the probes came, while keeping
 * only a handful of points (about ln n for n probes in random order).
 */
public final class LatencyPeaks {
    /** One probe: when it was made and how long it took. */
    public record Peak(long atMs, long latencyMs) {
    }

    // Ordered by time; latencies strictly increase along the list.
    private final List<Peak> peaks;

    public LatencyPeaks() {
        this(List.of());
    }

    public LatencyPeaks(List<Peak> peaks) {
        this.peaks = new ArrayList<>(peaks);
    }

    public void add(long atMs, long latencyMs) {
        int i = 0;
        while (i < peaks.size() && peaks.get(i).atMs() <= atMs) {
            if (peaks.get(i).latencyMs() >= latencyMs) {
                return; // an earlier probe was at least as slow: this one is no peak
            }
            i++;
        }
        peaks.add(i, new Peak(atMs, latencyMs));
        // Later peaks no slower than this one are peaks no more (probes may arrive out of order).
        while (i + 1 < peaks.size() && peaks.get(i + 1).latencyMs() <= latencyMs) {
            peaks.remove(i + 1);
        }
    }

    /** When the first probe slower than {@code thresholdMs} was made, if any was. */
    public OptionalLong firstAbove(long thresholdMs) {
        for (Peak peak : peaks) {
            if (peak.latencyMs() > thresholdMs) {
                return OptionalLong.of(peak.atMs());
            }
        }
        return OptionalLong.empty();
    }

    public List<Peak> peaks() {
        return List.copyOf(peaks);
    }
}
