package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * The breach-detector's positive verdicts on one batch of a deployment, on judgements keyed by
 * service: the new version is within its policy ({@code judgement.healthy}), or the batch's wait
 * for that evidence ran out first ({@code judgement.inconclusive}). The planner advances a batch on
 * them; breaches stay on breaches. The JSON field {@code type} names which.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(Judgement.Healthy.class),
        @JsonSubTypes.Type(Judgement.Inconclusive.class)})
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
     * @param statisticThreshold the value it had to reach: log(1/alpha) of the healthy test
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
}
