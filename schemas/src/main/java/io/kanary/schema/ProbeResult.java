package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;
import java.util.Objects;

/**
 * One health probe of one instance, on health.probes keyed by service. External request samplers
 * may publish these too.
 *
 * @param statusCode the HTTP status, or 0 when no answer came (timeout, refused)
 * @param error      why the probe failed without an HTTP answer, else null
 * @param skipped    why the probe was never sent, or null when it was: {@value #WATCHER_OVERLOADED} when the
 *                   watcher could not send it on time. A skipped probe says nothing about the instance
 *                   ({@code ok} false, status 0, latency 0 only because the record needs values): every
 *                   reader that judges instances leaves it out, see {@link #wasSkipped()}
 */
@JsonTypeName("probe.result")
public record ProbeResult(String eventId, int schemaVersion, String service, String version, String hostId,
                          String instanceId, boolean ok, int statusCode, long latencyMs, Instant probedAt,
                          String error, String skipped) implements KanaryEvent {
    /** Why the health-watcher skipped a probe it could not send on time. */
    public static final String WATCHER_OVERLOADED = "watcher overloaded";

    public ProbeResult {
        Objects.requireNonNull(service, "service is required");
        Objects.requireNonNull(version, "version is required");
        Objects.requireNonNull(probedAt, "probedAt is required");
        if (latencyMs < 0) {
            throw new IllegalArgumentException("latencyMs must be >= 0, was " + latencyMs);
        }
    }

    /** A probe that was sent (or a sample from a sampler that does not skip). */
    public ProbeResult(String eventId, int schemaVersion, String service, String version, String hostId,
                       String instanceId, boolean ok, int statusCode, long latencyMs, Instant probedAt, String error) {
        this(eventId, schemaVersion, service, version, hostId, instanceId, ok, statusCode, latencyMs, probedAt, error,
                null);
    }

    /**
     * Whether the probe was never sent, so it is no evidence about its instance: the health-watcher
     * could not send it on time. Readers that judge instances skip it.
     */
    public boolean wasSkipped() {
        return skipped != null;
    }

    @Override
    public String subject() {
        return service;
    }
}
