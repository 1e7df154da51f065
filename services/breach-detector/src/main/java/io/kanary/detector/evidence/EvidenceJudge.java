package io.kanary.detector.evidence;

import io.kanary.detector.verdict.BreachSource;
import io.kanary.kafka.CloudEvents;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges each batch of an active deployment once: {@code judgement.healthy} as soon as the healthy
 * test accepts on enough probes or traffic requests of the batch's hosts (see {@link EvidenceReading}
 * for which kind decides), or {@code judgement.inconclusive} when the
 * policy's {@code evidenceWaitMs} has passed since the batch started without it. The wait is checked
 * by wall-clock punctuation (a silent version sends no probes to look at) against the batch's start
 * kept in the state store, so a restart keeps every deadline; the judgement and the store's
 * "judged" mark commit in one transaction (exactly_once_v2), so a crash re-emits nothing. While a
 * batch waits, the same punctuation publishes a {@code judgement.progress} of it each second.
 */
public final class EvidenceJudge extends ContextualProcessor<byte[], KanaryEvent, String, Judgement> {
    private static final Logger LOG = LoggerFactory.getLogger(EvidenceJudge.class);
    /** How often the evidence waits are checked. */
    static final Duration DEADLINE_CHECK = Duration.ofSeconds(1);

    private KeyValueStore<String, BatchEvidence> evidence;

    @Override
    public void init(ProcessorContext<String, Judgement> context) {
        super.init(context);
        evidence = context.getStateStore(EvidenceStores.BATCH_EVIDENCE);
        context.schedule(DEADLINE_CHECK, PunctuationType.WALL_CLOCK_TIME, this::everySecond);
    }

    @Override
    public void process(Record<byte[], KanaryEvent> record) {
        if (record.value() instanceof ProbeResult probe) {
            take(record, probe.service(), probe.version(), probe.probedAt().toEpochMilli(), probe.eventId(),
                    current -> current.withBaseline(probe), current -> current.with(probe));
        } else if (record.value() instanceof TrafficSample sample) {
            take(record, sample.service(), sample.version(), sample.intervalStart().toEpochMilli(), sample.eventId(),
                    current -> current.withBaseline(sample), current -> current.with(sample));
        }
    }

    /** Counts one probe or traffic sample into its service's batch evidence, and judges the batch healthy if it now is. */
    private void take(Record<byte[], KanaryEvent> record, String service, String version, long atMs, String eventId,
                      UnaryOperator<BatchEvidence> asBaseline, UnaryOperator<BatchEvidence> asNew) {
        BatchEvidence current = evidence.get(service);
        if (current == null) {
            return;
        }
        if (current.baselineVersion() != null && version.equals(current.baselineVersion())) {
            evidence.put(service, asBaseline.apply(current));
            return;
        }
        if (!current.awaitsJudgement() || !current.version().equals(version) || atMs < current.batchStartedAtMs()) {
            return;
        }
        BatchEvidence counted = asNew.apply(current);
        EvidenceReading reading = EvidenceReading.of(counted);
        if (!reading.isHealthy()) {
            if (counted != current) {
                evidence.put(service, counted);
            }
            return;
        }
        Instant now = Instant.ofEpochMilli(context().currentSystemTimeMs());
        Judgement.Healthy healthy = new Judgement.Healthy(JudgementIds.of(counted.deploymentId(), counted.batch()),
                KanaryEvent.SCHEMA_VERSION, counted.deploymentId(), counted.service(), counted.version(),
                counted.batch(), reading.samples(), reading.errorRate(), reading.p99LatencyMs(), reading.test(),
                reading.healthy(), reading.healthyThreshold(), healthySummary(counted, reading, now), now);
        evidence.put(service, counted.judged(BatchEvidence.HEALTHY));
        String cause = CloudEvents.header(record.headers(), CloudEvents.ID).orElse(eventId);
        emit(healthy, cause, record.timestamp());
    }

    /**
     * Every batch whose evidence wait is over without a judgement is judged inconclusive now; every
     * other waiting batch gets a progress record, so the evidence is seen accumulating. Progress is
     * advisory and published from this punctuation only, so at most once per DEADLINE_CHECK per batch;
     * it keeps no state of its own: a restart may skip a second or publish one again (with the same id).
     */
    private void everySecond(long nowMs) {
        List<KeyValue<String, BatchEvidence>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, BatchEvidence> all = evidence.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.awaitsJudgement()) {
                    waiting.add(entry);
                }
            });
        }
        for (KeyValue<String, BatchEvidence> entry : waiting) {
            if (nowMs >= entry.value.deadlineMs()) {
                judgeInconclusive(entry.key, entry.value, nowMs);
            } else {
                progress(entry.value, nowMs);
            }
        }
    }

    private void judgeInconclusive(String service, BatchEvidence batch, long nowMs) {
        EvidenceReading reading = EvidenceReading.of(batch);
        long waitedMs = nowMs - batch.batchStartedAtMs();
        Instant now = Instant.ofEpochMilli(nowMs);
        Judgement.Inconclusive inconclusive = new Judgement.Inconclusive(
                JudgementIds.of(batch.deploymentId(), batch.batch()), KanaryEvent.SCHEMA_VERSION,
                batch.deploymentId(), batch.service(), batch.version(), batch.batch(), reading.samples(),
                reading.errorRate(), reading.p99LatencyMs(), reading.healthy(), reading.breach(),
                reading.healthyThreshold(), waitedMs, "breach-detector",
                inconclusiveSummary(batch, reading, waitedMs), now);
        evidence.put(service, batch.judged(BatchEvidence.INCONCLUSIVE));
        // Caused by the batch's start: the wait that ran out began there.
        emit(inconclusive, batch.batchEventId(), nowMs);
    }

    private void progress(BatchEvidence batch, long nowMs) {
        EvidenceReading reading = EvidenceReading.of(batch);
        long waitedMs = Math.max(0, nowMs - batch.batchStartedAtMs());
        Judgement.Progress progress = new Judgement.Progress(
                JudgementIds.progress(batch.deploymentId(), batch.batch(), waitedMs / DEADLINE_CHECK.toMillis()),
                KanaryEvent.SCHEMA_VERSION, batch.deploymentId(), batch.service(), batch.version(), batch.batch(),
                reading.samples(), reading.requests(), reading.errorRate(), finite(reading.healthy()),
                reading.healthyThreshold(), reading.healthyShare(), finite(reading.breach()),
                reading.breachThreshold(), reading.breachShare(), waitedMs, batch.policy().evidenceWaitMs(),
                progressSummary(batch, reading, waitedMs), Instant.ofEpochMilli(nowMs));
        context().forward(new Record<>(progress.service(), progress, nowMs,
                CloudEvents.headers(progress, BreachSource.NAME, batch.batchEventId())));
    }

    /** A log likelihood ratio with no evidence either way can be -infinity; JSON has no such number. */
    private static double finite(double statistic) {
        return Double.isFinite(statistic) ? statistic : statistic > 0 ? Double.MAX_VALUE : -Double.MAX_VALUE;
    }

    private void emit(Judgement judgement, String causationId, long timestamp) {
        LOG.info("Batch {} of deployment {} ({} {}): {}", judgement.batch() + 1, judgement.deploymentId(),
                judgement.service(), judgement.version(), judgement.summary());
        context().forward(new Record<>(judgement.service(), judgement, timestamp,
                CloudEvents.headers(judgement, BreachSource.NAME, causationId)));
    }

    static String healthySummary(BatchEvidence batch, EvidenceReading reading, Instant now) {
        return String.format(Locale.ROOT, "batch %d/%d healthy on %s in %.1fs: %s; %s", batch.batch() + 1,
                batch.batchCount(), reading.counted(), (now.toEpochMilli() - batch.batchStartedAtMs()) / 1000.0,
                reading.figures(batch.policy()), reading.progress());
    }

    static String progressSummary(BatchEvidence batch, EvidenceReading reading, long waitedMs) {
        return String.format(Locale.ROOT, "batch %d/%d waiting %.1fs of %.1fs on %s: %s", batch.batch() + 1,
                batch.batchCount(), waitedMs / 1000.0, batch.policy().evidenceWaitMs() / 1000.0, reading.counted(),
                reading.progress());
    }

    static String inconclusiveSummary(BatchEvidence batch, EvidenceReading reading, long waitedMs) {
        return String.format(Locale.ROOT, "no verdict on batch %d/%d after %.1fs on %s: %s; %s",
                batch.batch() + 1, batch.batchCount(), waitedMs / 1000.0, reading.counted(),
                reading.figures(batch.policy()), reading.progress());
    }
}
