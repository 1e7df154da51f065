package io.kanary.audit;

/** How often one version was probed on one host, and how it went. */
public record ProbeCount(String version, String hostId, long probes, long ok, long failed) {
}
