package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * When a new version is judged bad, and when an updated host counts as healthy.
 * Every field has a default, so a request may give none, some or all of them.
 *
 * @param maxErrorRate      largest tolerated share of failed probes of the new version (0..1)
 * @param maxP99LatencyMs   largest tolerated p99 probe latency of the new version
 * @param windowMs          how far back (probe time) the evidence of a verdict may reach; the baseline's usual
 *                          behaviour is taken over the same span
 * @param minSamples        probes of the new version needed before any verdict
 * @param probeIntervalMs   how often the health-watcher probes each instance
 * @param healthyProbes     consecutive good probes an updated instance needs to pass its health gate
 * @param minHealthyMs      how long an updated instance must stay healthy before its batch may advance
 * @param healthDeadlineMs  how long a batch may take to become healthy before the deployment rolls back
 * @param alpha             the false-rollback probability the sequential tests allow per deployment (0..0.5)
 * @param maxP99Ratio       largest tolerated ratio of the new version's p99 latency to the baseline's (≥ 1)
 * @param errorRateMargin   how much higher than the baseline's error rate the new version's may be (absolute, 0..1)
 * @param outageToleranceMs a run of one host's failed probes spanning less than this is a blip: the longest such
 *                          run counts as one failure (0: every failure counts)
 * @param startupGraceMs    how long, from its first probe, a new instance's failed probes before it first answers
 *                          healthy are taken as its start-up rather than the version's errors (0: no grace)
 * @param maxMedianRatio    largest tolerated ratio of the new version's median latency to the baseline's (≥ 1)
 * @param evidenceWaitMs    how long a batch waits, from its start, for the breach-detector's positive evidence that
 *                          the new version is within this policy before the judgement is inconclusive
 * @param onInconclusive    what an inconclusive judgement does: advance anyway, pause for an operator, or roll back
 * @param traffic           where the health-watcher reads each instance's request metrics, so real traffic is
 *                          judged beside the probes; null: probes only
 */
public record Policy(Double maxErrorRate, Long maxP99LatencyMs, Long windowMs, Integer minSamples,
                     Long probeIntervalMs, Integer healthyProbes, Long minHealthyMs, Long healthDeadlineMs,
                     Double alpha, Double maxP99Ratio, Double errorRateMargin, Long outageToleranceMs,
                     Long startupGraceMs, Double maxMedianRatio, Long evidenceWaitMs, OnInconclusive onInconclusive,
                     TrafficSource traffic) {

    public static final double DEFAULT_MAX_ERROR_RATE = 0.05;
    public static final long DEFAULT_MAX_P99_LATENCY_MS = 1_000;
    public static final long DEFAULT_WINDOW_MS = 300_000;
    public static final int DEFAULT_MIN_SAMPLES = 20;
    public static final long DEFAULT_PROBE_INTERVAL_MS = 1_000;
    public static final int DEFAULT_HEALTHY_PROBES = 3;
    public static final long DEFAULT_MIN_HEALTHY_MS = 5_000;
    public static final long DEFAULT_HEALTH_DEADLINE_MS = 60_000;
    public static final double DEFAULT_ALPHA = 0.001;
    public static final double DEFAULT_MAX_P99_RATIO = 2.0;
    public static final double DEFAULT_ERROR_RATE_MARGIN = 0.01;
    public static final long DEFAULT_OUTAGE_TOLERANCE_MS = 2_000;
    /** Long enough for a JVM service to start on a busy host; the planner's health deadline still bounds a rollout. */
    public static final long DEFAULT_STARTUP_GRACE_MS = 30_000;
    /** A 2× slower median is a breach even with the p99 under its limit. */
    public static final double DEFAULT_MAX_MEDIAN_RATIO = 1.5;
    public static final long DEFAULT_EVIDENCE_WAIT_MS = 120_000;
    /** Stopping is the safe default: a regression too small to see at low traffic must not pass every batch unseen. */
    public static final OnInconclusive DEFAULT_ON_INCONCLUSIVE = OnInconclusive.PAUSE;

    /** What an inconclusive judgement (no positive evidence within {@code evidenceWaitMs}) does to the deployment. */
    public enum OnInconclusive {
        /** Advance as if the evidence had been positive; the inconclusive judgement stays on the record. */
        @JsonProperty("pass") PASS,
        /** Pause the deployment until an operator resumes, promotes or aborts it. */
        @JsonProperty("pause") PAUSE,
        /** Roll the updated hosts back. */
        @JsonProperty("rollback") ROLLBACK
    }

    /** A policy with the evidence, median and traffic settings at their defaults. */
    public Policy(Double maxErrorRate, Long maxP99LatencyMs, Long windowMs, Integer minSamples, Long probeIntervalMs,
                  Integer healthyProbes, Long minHealthyMs, Long healthDeadlineMs, Double alpha, Double maxP99Ratio,
                  Double errorRateMargin, Long outageToleranceMs, Long startupGraceMs) {
        this(maxErrorRate, maxP99LatencyMs, windowMs, minSamples, probeIntervalMs, healthyProbes, minHealthyMs,
                healthDeadlineMs, alpha, maxP99Ratio, errorRateMargin, outageToleranceMs, startupGraceMs, null, null, null,
                null);
    }

    /** A policy with the statistical settings at their defaults. */
    public Policy(Double maxErrorRate, Long maxP99LatencyMs, Long windowMs, Integer minSamples, Long probeIntervalMs,
                  Integer healthyProbes, Long minHealthyMs, Long healthDeadlineMs) {
        this(maxErrorRate, maxP99LatencyMs, windowMs, minSamples, probeIntervalMs, healthyProbes, minHealthyMs,
                healthDeadlineMs, null, null, null, null);
    }

    /** A policy with the start-up grace at its default. */
    public Policy(Double maxErrorRate, Long maxP99LatencyMs, Long windowMs, Integer minSamples, Long probeIntervalMs,
                  Integer healthyProbes, Long minHealthyMs, Long healthDeadlineMs, Double alpha, Double maxP99Ratio,
                  Double errorRateMargin, Long outageToleranceMs) {
        this(maxErrorRate, maxP99LatencyMs, windowMs, minSamples, probeIntervalMs, healthyProbes, minHealthyMs,
                healthDeadlineMs, alpha, maxP99Ratio, errorRateMargin, outageToleranceMs, null);
    }

    /** A policy with the outage tolerance at its default. */
    public Policy(Double maxErrorRate, Long maxP99LatencyMs, Long windowMs, Integer minSamples, Long probeIntervalMs,
                  Integer healthyProbes, Long minHealthyMs, Long healthDeadlineMs, Double alpha, Double maxP99Ratio,
                  Double errorRateMargin) {
        this(maxErrorRate, maxP99LatencyMs, windowMs, minSamples, probeIntervalMs, healthyProbes, minHealthyMs,
                healthDeadlineMs, alpha, maxP99Ratio, errorRateMargin, null);
    }

    public Policy {
        maxErrorRate = maxErrorRate == null ? DEFAULT_MAX_ERROR_RATE : maxErrorRate;
        maxP99LatencyMs = maxP99LatencyMs == null ? DEFAULT_MAX_P99_LATENCY_MS : maxP99LatencyMs;
        windowMs = windowMs == null ? DEFAULT_WINDOW_MS : windowMs;
        minSamples = minSamples == null ? DEFAULT_MIN_SAMPLES : minSamples;
        probeIntervalMs = probeIntervalMs == null ? DEFAULT_PROBE_INTERVAL_MS : probeIntervalMs;
        healthyProbes = healthyProbes == null ? DEFAULT_HEALTHY_PROBES : healthyProbes;
        minHealthyMs = minHealthyMs == null ? DEFAULT_MIN_HEALTHY_MS : minHealthyMs;
        healthDeadlineMs = healthDeadlineMs == null ? DEFAULT_HEALTH_DEADLINE_MS : healthDeadlineMs;
        alpha = alpha == null ? DEFAULT_ALPHA : alpha;
        maxP99Ratio = maxP99Ratio == null ? DEFAULT_MAX_P99_RATIO : maxP99Ratio;
        errorRateMargin = errorRateMargin == null ? DEFAULT_ERROR_RATE_MARGIN : errorRateMargin;
        outageToleranceMs = outageToleranceMs == null ? DEFAULT_OUTAGE_TOLERANCE_MS : outageToleranceMs;
        startupGraceMs = startupGraceMs == null ? DEFAULT_STARTUP_GRACE_MS : startupGraceMs;
        maxMedianRatio = maxMedianRatio == null ? DEFAULT_MAX_MEDIAN_RATIO : maxMedianRatio;
        evidenceWaitMs = evidenceWaitMs == null ? DEFAULT_EVIDENCE_WAIT_MS : evidenceWaitMs;
        onInconclusive = onInconclusive == null ? DEFAULT_ON_INCONCLUSIVE : onInconclusive;
    }

    /** This policy with another start-up grace. */
    public Policy withStartupGraceMs(long graceMs) {
        return new Policy(maxErrorRate, maxP99LatencyMs, windowMs, minSamples, probeIntervalMs, healthyProbes,
                minHealthyMs, healthDeadlineMs, alpha, maxP99Ratio, errorRateMargin, outageToleranceMs, graceMs,
                maxMedianRatio, evidenceWaitMs, onInconclusive, traffic);
    }

    /** This policy with real traffic read from each instance's metrics as {@code source} says (null: probes only). */
    public Policy withTraffic(TrafficSource source) {
        return new Policy(maxErrorRate, maxP99LatencyMs, windowMs, minSamples, probeIntervalMs, healthyProbes,
                minHealthyMs, healthDeadlineMs, alpha, maxP99Ratio, errorRateMargin, outageToleranceMs, startupGraceMs,
                maxMedianRatio, evidenceWaitMs, onInconclusive, source);
    }

    /** This policy with another wait for positive evidence and what to do when it runs out. */
    public Policy withEvidenceWait(long waitMs, OnInconclusive then) {
        return new Policy(maxErrorRate, maxP99LatencyMs, windowMs, minSamples, probeIntervalMs, healthyProbes,
                minHealthyMs, healthDeadlineMs, alpha, maxP99Ratio, errorRateMargin, outageToleranceMs, startupGraceMs,
                maxMedianRatio, waitMs, then, traffic);
    }

    public static Policy defaults() {
        return new Policy(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null);
    }
}
