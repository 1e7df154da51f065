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
 */
@JsonTypeName("probe.result")
public record ProbeResult(String eventId, int schemaVersion, String service, String version, String hostId,
                          String instanceId, boolean ok, int statusCode, long latencyMs, Instant probedAt,
                          String error) implements KanaryEvent {
    public ProbeResult {
        Objects.requireNonNull(service, "service is required");
        Objects.requireNonNull(version, "version is required");
        Objects.requireNonNull(probedAt, "probedAt is required");
        if (latencyMs < 0) {
            throw new IllegalArgumentException("latencyMs must be >= 0, was " + latencyMs);
        }
    }

    @Override
    public String subject() {
        return service;
    }
}
