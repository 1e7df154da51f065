package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * The breach-detector's positive verdicts on one batch of a deployment, on judgements keyed by
 * service: the new version is within its policy ({@code judgement.healthy}), or the batch's wait
 * for that evidence ran out first ({@code judgement.inconclusive}). The planner advances a batch on
 * them; breaches stay on breaches. While a batch waits, {@code judgement.progress} says how far its
 * evidence has got toward either side: advisory, for people, never a verdict. The JSON field
 * {@code type} names which.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(Judgement.Healthy.class),
        @JsonSubTypes.Type(Judgement.Inconclusive.class),
        @JsonSubTypes.Type(Judgement.Progress.class)})
public sealed interface Judgement extends KanaryEvent {
    String deploymentId();

    String service();

    String version();

    /** The batch judged, 0-based as on deployment.batch.started. */
    int batch();

    /** A sentence saying what was judged on how much evidence, for people (status, dashboard, audit). */
    String summary();

    Instant judgedAt();

    @Override
    default String subject() {
        return deploymentId();
    }

    /**
     * The sequential test of "healthy" accepted: the new version's error rate and slow-answer share
     * are below the policy's limits, with the test's own error rate.
     *
     * @param samples            samples of the new version judged since the batch started
     * @param errorRate          their share of failures (0..1)
     * @param p99LatencyMs       their p99 latency, ms; null without latency samples
     * @param test               the test that accepted, in words
     * @param statistic          its log likelihood ratio when it accepted
     * @param statisticThreshold the value it had to reach: log(2/alpha) of the healthy test (alpha split between probes and traffic)
     */
    @JsonTypeName("judgement.healthy")
    record Healthy(String eventId, int schemaVersion, String deploymentId, String service, String version, int batch,
                   long samples, double errorRate, Double p99LatencyMs, String test, double statistic,
                   double statisticThreshold, String summary, Instant judgedAt) implements Judgement {
    }

    /**
     * The batch's wait for positive evidence ran out: neither the healthy test nor a breach concluded.
     *
     * @param healthyStatistic the healthy test's log likelihood ratio at the end (it needed statisticThreshold)
     * @param breachStatistic  the breach tests' largest log likelihood ratio at the end; null when none ran
     * @param waitedMs         how long the batch waited, from its start
     * @param by               who judged: {@code breach-detector}, or {@code planner} when no judgement came at all
     */
    @JsonTypeName("judgement.inconclusive")
    record Inconclusive(String eventId, int schemaVersion, String deploymentId, String service, String version,
                        int batch, long samples, double errorRate, Double p99LatencyMs, double healthyStatistic,
                        Double breachStatistic, double statisticThreshold, long waitedMs, String by, String summary,
                        Instant judgedAt) implements Judgement {
    }

    /**
     * How much evidence a waiting batch has toward "healthy" and toward "breach", published at most once
     * a second per batch while it waits. Advisory: it decides nothing (the planner ignores it), and a
     * restart of the breach-detector may skip one or repeat one (a repeat has the same eventId).
     *
     * @param samples           probes and traffic requests of the new version counted since the batch started
     * @param requests          of those, traffic requests
     * @param errorRate         their share of failures (0..1)
     * @param healthyStatistic  the healthy test's log likelihood ratio now
     * @param healthyThreshold  the value it must reach for "healthy"
     * @param towardHealthy     healthyStatistic as a share of healthyThreshold, 0..1
     * @param breachStatistic   the breach side's largest log likelihood ratio now
     * @param breachThreshold   the value it must reach for a breach
     * @param towardBreach      breachStatistic as a share of breachThreshold, 0..1
     * @param waitedMs          how long the batch has waited, from its start
     * @param evidenceWaitMs    how long it may wait (the policy's) before the judgement is inconclusive
     */
    @JsonTypeName("judgement.progress")
    record Progress(String eventId, int schemaVersion, String deploymentId, String service, String version, int batch,
                    long samples, long requests, double errorRate, double healthyStatistic, double healthyThreshold,
                    double towardHealthy, double breachStatistic, double breachThreshold, double towardBreach,
                    long waitedMs, long evidenceWaitMs, String summary, Instant judgedAt) implements Judgement {
    }
}
