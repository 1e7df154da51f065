package io.kanary.detector.verdict;

import io.kanary.kafka.CloudEvents;
import io.kanary.schema.Breach;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RollbackCommand;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/** The rollback command a breach calls for, caused by that breach. */
public final class RollbackOrder extends ContextualProcessor<String, Breach, String, RollbackCommand> {

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
    }
}
