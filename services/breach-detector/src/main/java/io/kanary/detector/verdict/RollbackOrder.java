package io.kanary.detector.verdict;

import io.kanary.detector.metrics.DetectorMetrics;
import io.kanary.kafka.CloudEvents;
import io.kanary.schema.Breach;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RollbackCommand;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/** The rollback command a breach calls for, caused by that breach. */
public final class RollbackOrder extends ContextualProcessor<String, Breach, String, RollbackCommand> {
    private final DetectorMetrics metrics;

    public RollbackOrder(DetectorMetrics metrics) {
        this.metrics = metrics;
    }

    public static RollbackCommand of(Breach breach) {
        return new RollbackCommand(EventIds.rollback(breach.deploymentId()), KanaryEvent.SCHEMA_VERSION,
                breach.deploymentId(), breach.service(), RollbackReason.of(breach), breach.eventId(), null,
                breach.detectedAt());
    }

    @Override
    public void process(Record<String, Breach> record) {
        RollbackCommand command = of(record.value());
        context().forward(record.withValue(command)
                .withHeaders(CloudEvents.headers(command, BreachSource.NAME, record.value().eventId())));
        metrics.rollbackEmitted(record.value(), decisionTime(record.value()));
    }

    /**
     * From the decisive probe's time to now, by the Streams runtime's wall clock (cached per
     * iteration of its loop: the TopologyTestDriver's mock clock in tests). A probe stamped ahead of
     * this clock (the prober's clock runs fast) counts as an instant decision rather than not at all.
     */
    private Duration decisionTime(Breach breach) {
        long ms = context().currentSystemTimeMs() - breach.detectedAt().toEpochMilli();
        return Duration.ofMillis(Math.max(0, ms));
    }
}
