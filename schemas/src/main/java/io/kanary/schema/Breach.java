package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * The new version broke its deployment's policy, on breaches keyed by service, for alerting systems.
 *
 * @param metric          {@code error_rate}, {@code p99_latency_ms} or {@code median_latency_ms}
 * @param observed        the new version's value over the window
 * @param threshold       the policy's limit it exceeded
 * @param baseline        the baseline version's value over the same window, or null without baseline samples
 * @param samples         outcomes of the new version the verdict rests on: probes, and requests of traffic samples
 * @param baselineSamples outcomes of the baseline version its figure rests on, likewise
 * @param test            the judgement that concluded, in words (e.g. {@code mSPRT error rate > limit})
 * @param statistic       its test statistic when it concluded (e.g. the log of the mixture likelihood ratio)
 * @param statisticThreshold the value the statistic had to reach (e.g. log(1/α))
 * @param requests        of {@code samples}, the requests of traffic samples; null when neither side's
 *                        evidence held traffic (all its samples are probes)
 * @param baselineRequests of {@code baselineSamples}, the requests of traffic samples; null likewise
 */
@JsonTypeName("breach.detected")
public record Breach(String eventId, int schemaVersion, String deploymentId, String service, String version,
                     String baselineVersion, String metric, double observed, double threshold, Double baseline,
                     long windowMs, long samples, long baselineSamples, Instant firstBadProbeAt,
                     Instant detectedAt, String test, Double statistic, Double statisticThreshold, Long requests,
                     Long baselineRequests) implements KanaryEvent {
    public static final String ERROR_RATE = "error_rate";
    public static final String P99_LATENCY_MS = "p99_latency_ms";
    public static final String MEDIAN_LATENCY_MS = "median_latency_ms";

    /**
     * What {@code samples} outcomes were, of which {@code requests} came from traffic samples:
     * {@code 42 probes}, {@code 300 requests} or {@code 150 requests + 25 probes}. One wording for
     * the rollback reason and the audit.
     */
    public static String describeSamples(long samples, Long requests) {
        long fromTraffic = requests == null ? 0 : Math.min(requests, samples);
        long probes = samples - fromTraffic;
        return fromTraffic == 0 ? samples + " probes"
                : probes == 0 ? fromTraffic + " requests" : fromTraffic + " requests + " + probes + " probes";
    }

    /** A breach judged on probes alone. */
    public Breach(String eventId, int schemaVersion, String deploymentId, String service, String version,
                  String baselineVersion, String metric, double observed, double threshold, Double baseline,
                  long windowMs, long samples, long baselineSamples, Instant firstBadProbeAt, Instant detectedAt,
                  String test, Double statistic, Double statisticThreshold) {
        this(eventId, schemaVersion, deploymentId, service, version, baselineVersion, metric, observed, threshold, baseline,
                windowMs, samples, baselineSamples, firstBadProbeAt, detectedAt, test, statistic, statisticThreshold,
                null, null);
    }

    /** A breach judged by a plain threshold, without a test statistic. */
    public Breach(String eventId, int schemaVersion, String deploymentId, String service, String version,
                  String baselineVersion, String metric, double observed, double threshold, Double baseline,
                  long windowMs, long samples, long baselineSamples, Instant firstBadProbeAt, Instant detectedAt) {
        this(eventId, schemaVersion, deploymentId, service, version, baselineVersion, metric, observed, threshold, baseline,
                windowMs, samples, baselineSamples, firstBadProbeAt, detectedAt, null, null, null, null, null);
    }

    @Override
    public String subject() {
        return deploymentId;
    }
}
