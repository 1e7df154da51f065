package io.kanary.detector.metrics;

import io.kanary.detector.input.DeadLetter;
import io.kanary.detector.verdict.TestName;
import io.kanary.schema.Breach;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The detector's counters and its decision timer, each built once per tag set and cached, so that
 * the per-probe path counts without building tags or looking meters up.
 *
 * <p><b>What the counts mean under exactly-once.</b> Kafka Streams commits a record's effects and
 * its offset in one transaction; a task whose transaction is aborted (fenced, or its thread
 * replaced) processes the records since its last commit again. A counter is no part of that
 * transaction. Breaches and rollbacks are therefore counted once per deployment per process (the
 * deployment ids already counted are remembered, the most recent {@value #REMEMBERED_DEPLOYMENTS}),
 * which is what the topics hold: one breach and one rollback command per deployment. Probes and
 * requests judged and records dead-lettered are counted as processed by this process: a retried task
 * counts its records again, so after an abort these run ahead of what was committed, by at most the
 * records of one commit interval.
 */
public final class DetectorMetrics {
    /** The only cause the detector rolls back for; operators' rollbacks are the planner's to count. */
    public static final String CAUSE_BREACH = "breach";
    /**
     * A retry re-emits a breach within a commit interval or a rebalance of its first emission; far
     * fewer deployments than this breach in between, and the memory stays bounded.
     */
    static final int REMEMBERED_DEPLOYMENTS = 10_000;
    /** The {@code test} label of a breach whose test is not one of {@link TestName}'s. */
    static final String OTHER_TEST = "other";

    private final MeterRegistry registry;
    private final Timer decision;
    private final ConcurrentMap<String, Counter> judged = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> requestsJudged = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final ConcurrentMap<ServiceTest, Counter> breaches = new ConcurrentHashMap<>();
    private final ConcurrentMap<ServiceTest, Counter> rollbacks = new ConcurrentHashMap<>();
    private final Set<String> breachesCounted = recentIds();
    private final Set<String> rollbacksCounted = recentIds();

    public DetectorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.decision = Timer.builder("kanary.rollback.decision")
                .description("Time from the decisive probe's timestamp to the emission of the rollback command")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry);
    }

    /** A probe of a deployment's new version was handed to the judgement. */
    public void probeJudged(String service) {
        judged.computeIfAbsent(service, s -> Counter.builder("kanary.detector.probes.judged")
                .description("Probes of a deployment's new version judged against its policy")
                .tag("service", s)
                .register(registry)).increment();
    }

    /** A traffic sample of a deployment's new version, with {@code requests} requests, was handed to the judgement. */
    public void requestsJudged(String service, long requests) {
        requestsJudged.computeIfAbsent(service, s -> Counter.builder("kanary.detector.requests.judged")
                .description("Requests of a deployment's new version, from traffic samples, judged against its policy")
                .tag("service", s)
                .register(registry)).increment(requests);
    }

    /** A record of {@code topic} was sent to its DLQ. */
    public void deadLettered(String topic) {
        deadLettered.computeIfAbsent(topic, t -> Counter.builder("kanary.dlq.records")
                .description("Records refused and sent to their topic's DLQ")
                .tag("topic", t)
                .tag("consumer", DeadLetter.CONSUMER)
                .register(registry)).increment();
    }

    /** The deployment's breach was emitted; counted once per deployment. */
    public void breachEmitted(Breach breach) {
        if (breachesCounted.add(breach.deploymentId())) {
            breaches.computeIfAbsent(ServiceTest.of(breach), key -> Counter.builder("kanary.breaches")
                    .description("Breaches of a deployment's policy, one per deployment")
                    .tag("service", key.service())
                    .tag("test", key.test())
                    .register(registry)).increment();
        }
    }

    /**
     * The rollback command {@code breach} calls for was emitted {@code decisionTime} after the decisive
     * probe was made; counted and timed once per deployment.
     */
    public void rollbackEmitted(Breach breach, Duration decisionTime) {
        if (rollbacksCounted.add(breach.deploymentId())) {
            rollbacks.computeIfAbsent(ServiceTest.of(breach), key -> Counter.builder("kanary.rollbacks")
                    .description("Rollback commands the breach-detector emitted")
                    .tag("service", key.service())
                    .tag("cause", CAUSE_BREACH)
                    .tag("test", key.test())
                    .register(registry)).increment();
            decision.record(decisionTime);
        }
    }

    private static Set<String> recentIds() {
        return Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > REMEMBERED_DEPLOYMENTS;
            }
        }));
    }

    private record ServiceTest(String service, String test) {
        static ServiceTest of(Breach breach) {
            return new ServiceTest(breach.service(),
                    TestName.ofLabel(breach.test()).map(TestName::metricTag).orElse(OTHER_TEST));
        }
    }
}
