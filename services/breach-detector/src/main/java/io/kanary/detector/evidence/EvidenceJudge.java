package io.kanary.detector.evidence;

import io.kanary.detector.verdict.BreachSource;
import io.kanary.kafka.CloudEvents;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * test accepts on enough probes of the batch's hosts, or {@code judgement.inconclusive} when the
 * policy's {@code evidenceWaitMs} has passed since the batch started without it. The wait is checked
 * by wall-clock punctuation (a silent version sends no probes to look at) against the batch's start
 * kept in the state store, so a restart keeps every deadline; the judgement and the store's
 * "judged" mark commit in one transaction (exactly_once_v2), so a crash re-emits nothing.
 */
public final class EvidenceJudge extends ContextualProcessor<byte[], ProbeResult, String, Judgement> {
    private static final Logger LOG = LoggerFactory.getLogger(EvidenceJudge.class);
    /** How often the evidence waits are checked. */
    static final Duration DEADLINE_CHECK = Duration.ofSeconds(1);

    private KeyValueStore<String, BatchEvidence> evidence;

    @Override
    public void init(ProcessorContext<String, Judgement> context) {
        super.init(context);
        evidence = context.getStateStore(EvidenceStores.BATCH_EVIDENCE);
        context.schedule(DEADLINE_CHECK, PunctuationType.WALL_CLOCK_TIME, this::judgeOverdue);
    }

    @Override
    public void process(Record<byte[], ProbeResult> record) {
        ProbeResult probe = record.value();
        BatchEvidence current = evidence.get(probe.service());
        if (current == null) {
            return;
        }
        if (current.baselineVersion() != null && probe.version().equals(current.baselineVersion())) {
            evidence.put(probe.service(), current.withBaseline(probe));
            return;
        }
        if (!current.awaitsJudgement() || !current.version().equals(probe.version())
                || probe.probedAt().toEpochMilli() < current.batchStartedAtMs()) {
            return;
        }
        BatchEvidence counted = current.with(probe);
        EvidenceReading reading = EvidenceReading.of(counted);
        if (!reading.isHealthy()) {
            if (counted != current) {
                evidence.put(probe.service(), counted);
            }
            return;
        }
        Instant now = Instant.ofEpochMilli(context().currentSystemTimeMs());
        Judgement.Healthy healthy = new Judgement.Healthy(JudgementIds.of(counted.deploymentId(), counted.batch()),
                KanaryEvent.SCHEMA_VERSION, counted.deploymentId(), counted.service(), counted.version(),
                counted.batch(), reading.samples(), reading.errorRate(), reading.p99LatencyMs(), reading.test(),
                reading.healthy(), reading.healthyThreshold(), healthySummary(counted, reading, now), now);
        evidence.put(probe.service(), counted.judged(BatchEvidence.HEALTHY));
        String cause = CloudEvents.header(record.headers(), CloudEvents.ID).orElse(probe.eventId());
        emit(healthy, cause, record.timestamp());
    }

    /** Every batch whose evidence wait is over without a judgement is judged inconclusive now. */
    private void judgeOverdue(long nowMs) {
        List<KeyValue<String, BatchEvidence>> overdue = new ArrayList<>();
        try (KeyValueIterator<String, BatchEvidence> all = evidence.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.awaitsJudgement() && nowMs >= entry.value.deadlineMs()) {
                    overdue.add(entry);
                }
            });
        }
        for (KeyValue<String, BatchEvidence> entry : overdue) {
            BatchEvidence batch = entry.value;
            EvidenceReading reading = EvidenceReading.of(batch);
            long waitedMs = nowMs - batch.batchStartedAtMs();
            Instant now = Instant.ofEpochMilli(nowMs);
            Judgement.Inconclusive inconclusive = new Judgement.Inconclusive(
                    JudgementIds.of(batch.deploymentId(), batch.batch()), KanaryEvent.SCHEMA_VERSION,
                    batch.deploymentId(), batch.service(), batch.version(), batch.batch(), reading.samples(),
                    reading.errorRate(), reading.p99LatencyMs(), reading.healthy(), reading.breach(),
                    reading.healthyThreshold(), waitedMs, "breach-detector",
                    inconclusiveSummary(batch, reading, waitedMs), now);
            evidence.put(entry.key, batch.judged(BatchEvidence.INCONCLUSIVE));
            // Caused by the batch's start: the wait that ran out began there.
            emit(inconclusive, batch.batchEventId(), nowMs);
        }
    }

    private void emit(Judgement judgement, String causationId, long timestamp) {
        LOG.info("Batch {} of deployment {} ({} {}): {}", judgement.batch() + 1, judgement.deploymentId(),
                judgement.service(), judgement.version(), judgement.summary());
        context().forward(new Record<>(judgement.service(), judgement, timestamp,
                CloudEvents.headers(judgement, BreachSource.NAME, causationId)));
    }

    static String healthySummary(BatchEvidence batch, EvidenceReading reading, Instant now) {
        return String.format(Locale.ROOT, "batch %d/%d healthy on %d probes in %.1fs: %s; %s", batch.batch() + 1,
                batch.batchCount(), reading.samples(), (now.toEpochMilli() - batch.batchStartedAtMs()) / 1000.0,
                reading.figures(batch.policy()), reading.progress());
    }

    static String inconclusiveSummary(BatchEvidence batch, EvidenceReading reading, long waitedMs) {
        return String.format(Locale.ROOT, "no verdict on batch %d/%d after %.1fs on %d probes: %s; %s",
                batch.batch() + 1, batch.batchCount(), waitedMs / 1000.0, reading.samples(),
                reading.figures(batch.policy()), reading.progress());
    }
}
