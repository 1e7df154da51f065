package io.kanary.detector.evidence;

import io.kanary.schema.DeploymentEvent;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Follows each service's active deployment batch by batch from deploy.events: a started deployment
 * is noted, each batch start resets the evidence (its wait counts from the batch's start), and the
 * deployment's end or rollback forgets it, so nothing is judged after it.
 */
public final class BatchTracker extends ContextualProcessor<byte[], DeploymentEvent, Void, Void> {
    private KeyValueStore<String, BatchEvidence> evidence;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        super.init(context);
        evidence = context.getStateStore(EvidenceStores.BATCH_EVIDENCE);
    }

    @Override
    public void process(Record<byte[], DeploymentEvent> record) {
        DeploymentEvent event = record.value();
        if (event instanceof DeploymentEvent.Started started) {
            evidence.put(started.service(), BatchEvidence.deployment(started.deploymentId(), started.service(),
                    started.version(), started.baselineVersion(), started.policy(), started.batches().size()));
            return;
        }
        BatchEvidence current = evidence.get(event.service());
        if (current == null || !current.deploymentId().equals(event.deploymentId())) {
            return; // a deployment this branch does not follow (or an older one's late event)
        }
        if (event instanceof DeploymentEvent.BatchStarted b && b.batch() > current.batch()) {
            long at = b.at() == null ? record.timestamp() : b.at().toEpochMilli();
            evidence.put(event.service(), current.batchStarted(b.batch(), b.hosts(), at, b.eventId()));
        } else if (event.isTerminal() || event instanceof DeploymentEvent.RollingBack) {
            evidence.delete(event.service());
        }
    }
}
