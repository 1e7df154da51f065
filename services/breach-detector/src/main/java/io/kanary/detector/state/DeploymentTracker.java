package io.kanary.detector.state;

import io.kanary.detector.metrics.JudgementGauges;
import io.kanary.schema.DeploymentEvent;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each service's active deployment from deploy.events: set when one starts, cleared when it
 * ends or starts rolling back. A deployment already being undone needs no verdict, and judging it
 * would send a second rollback command after an operator's.
 */
public final class DeploymentTracker extends ContextualProcessor<byte[], DeploymentEvent, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentTracker.class);
    private final JudgementGauges gauges;
    private KeyValueStore<String, ActiveDeployment> deployments;

    /** @param gauges the judged figures, whose series go when their deployment is no longer judged */
    public DeploymentTracker(JudgementGauges gauges) {
        this.gauges = gauges;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        super.init(context);
        deployments = context.getStateStore(DetectorStores.ACTIVE_DEPLOYMENTS);
    }

    @Override
    public void process(Record<byte[], DeploymentEvent> record) {
        DeploymentEvent event = record.value();
        if (event instanceof DeploymentEvent.Started started) {
            ActiveDeployment active = ActiveDeployment.of(started, record.timestamp());
            deployments.put(started.service(), active);
            gauges.deploymentStarted(started.service(), started.deploymentId());
            LOG.info("Watching deployment {} of {} {} (baseline {})", active.deploymentId(), active.service(),
                    active.version(), active.baselineVersion());
        } else if (event.isTerminal() || event instanceof DeploymentEvent.RollingBack) {
            ActiveDeployment active = deployments.get(event.service());
            // An older deployment's late end must not clear the one that replaced it.
            if (active != null && active.deploymentId().equals(event.deploymentId())) {
                deployments.delete(event.service());
                gauges.deploymentEnded(event.service(), event.deploymentId());
                LOG.info("Stopped watching deployment {} of {}: {}", event.deploymentId(), event.service(),
                        event.typeName());
            }
        }
    }
}
