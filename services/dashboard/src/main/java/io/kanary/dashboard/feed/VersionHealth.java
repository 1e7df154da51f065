package io.kanary.dashboard.feed;

/**
 * One version's health over the dashboard's window.
 *
 * @param samples   probes in the window
 * @param errorRate the share of them that failed (0..1), or null without probes
 * @param p99Ms     their 99th percentile latency (nearest rank), or null without probes
 */
public record VersionHealth(String version, long samples, Double errorRate, Long p99Ms) {
    static VersionHealth unprobed(String version) {
        return new VersionHealth(version, 0, null, null);
    }
}
