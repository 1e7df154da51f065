package io.kanary.detector.evidence;

import java.util.Map;
import java.util.TreeMap;

/**
 * Latencies counted in buckets 10% wide (bucket i holds latencies up to 1.1^i ms), small enough to
 * keep in a state store per batch, fine enough to report a p99 within 10%.
 */
public final class LatencyHistogram {
    private static final double GROWTH = 1.1;
    private static final int LAST = 250;

    private LatencyHistogram() {
    }

    public static int bucketOf(long latencyMs) {
        if (latencyMs <= 1) {
            return 0;
        }
        return Math.min(LAST, (int) Math.ceil(Math.log(latencyMs) / Math.log(GROWTH) - 1e-9));
    }

    /** The upper end of the bucket in which quantile {@code q} falls; null for no latencies. */
    public static Double quantile(Map<Integer, Long> counts, double q) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return null;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (Map.Entry<Integer, Long> e : new TreeMap<>(counts).entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return Math.rint(Math.pow(GROWTH, e.getKey()) * 10) / 10;
            }
        }
        throw new IllegalStateException("unreachable: the counts sum to " + total);
    }
}
