package io.kanary.detector.verdict;

import io.kanary.detector.metrics.DetectorMetrics;
import io.kanary.detector.state.DetectorStores;
import io.kanary.kafka.CloudEvents;
import io.kanary.schema.Breach;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the first breach of each deployment through and no other, however long the breach lasts:
 * probes keep failing until the rollback has replaced the new version. The breach leaves with its
 * CloudEvents headers, caused by the probe that decided it.
 */
public final class OncePerDeployment extends ContextualProcessor<String, Verdict, String, Breach> {
    private static final Logger LOG = LoggerFactory.getLogger(OncePerDeployment.class);
    private final DetectorMetrics metrics;
    private KeyValueStore<String, String> judged;

    public OncePerDeployment(DetectorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Breach> context) {
        super.init(context);
        judged = context.getStateStore(DetectorStores.JUDGED_DEPLOYMENTS);
    }

    @Override
    public void process(Record<String, Verdict> record) {
        Breach breach = record.value().breach();
        if (judged.get(breach.deploymentId()) != null) {
            return;
        }
        judged.put(breach.deploymentId(), breach.eventId());
        LOG.info("Breach of deployment {} ({} {}): {}", breach.deploymentId(), breach.service(), breach.version(),
                RollbackReason.of(breach));
        metrics.breachEmitted(breach);
        context().forward(record.withValue(breach).withHeaders(
                CloudEvents.headers(breach, BreachSource.NAME, record.value().observation().causationId())));
    }
}
