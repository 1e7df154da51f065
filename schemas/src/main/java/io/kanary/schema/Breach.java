package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * The new version broke its deployment's policy, on breaches keyed by service, for alerting systems.
 *
 * @param metric          {@code error_rate} or {@code p99_latency_ms}
 * @param observed        the new version's value over the window
 * @param threshold       the policy's limit it exceeded
 * @param baseline        the baseline version's value over the same window, or null without baseline samples
 * @param samples         probes of the new version in the window
 * @param baselineSamples probes of the baseline version in the window
 */
@JsonTypeName("breach.detected")
public record Breach(String eventId, int schemaVersion, String deploymentId, String service, String version,
                     String baselineVersion, String metric, double observed, double threshold, Double baseline,
                     long windowMs, long samples, long baselineSamples, Instant firstBadProbeAt,
                     Instant detectedAt) implements KanaryEvent {
    public static final String ERROR_RATE = "error_rate";
    public static final String P99_LATENCY_MS = "p99_latency_ms";

    @Override
    public String subject() {
        return deploymentId;
    }
}
