package io.kanary.health;

import io.kanary.health.probe.ProbeOutcome;
import io.kanary.health.summary.InstanceHealthPublisher;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Streams probe outcomes to health.probes, keyed by service, each naming the host event behind its instance. */
final class ProbeResultPublisher implements ProbeSink, AutoCloseable {
    static final String SOURCE = "/kanary/health-watcher";
    private static final Logger LOG = LoggerFactory.getLogger(ProbeResultPublisher.class);
    private static final int LINGER_MS = 5;
    /**
     * Thousands of probes a second fill a batch long before the linger ends: larger batches, lz4
     * compressed (cheap to write, and probe records repeat most of their bytes), mean fewer requests.
     */
    private static final int BATCH_BYTES = 128 * 1024;

    private final Producer<String, ProbeResult> producer;
    /** instance.health, derived from these probes: what the planner's gates read. */
    private final InstanceHealthPublisher summaries;

    private ProbeResultPublisher(Producer<String, ProbeResult> producer, InstanceHealthPublisher summaries) {
        this.producer = producer;
        this.summaries = summaries;
    }

    /**
     * A publisher whose first {@code send} will not block: the topic's metadata is fetched here,
     * off the event loop that later calls {@link #publish}.
     */
    static ProbeResultPublisher create(Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "kanary-health-watcher-probes");
        KafkaProducer<String, ProbeResult> producer = new KafkaProducer<>(props,
                Topics.HEALTH_PROBES.keySerde().serializer(), Topics.HEALTH_PROBES.valueSerde().serializer());
        try {
            producer.partitionsFor(Topics.HEALTH_PROBES.name());
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw new IllegalStateException("Cannot reach topic " + Topics.HEALTH_PROBES.name() + " at "
                    + kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + ": " + e.getMessage(), e);
        }
        return new ProbeResultPublisher(producer, InstanceHealthPublisher.create(kafka, SOURCE));
    }

    @Override
    public void publish(LiveInstance instance, ProbeOutcome outcome) {
        ProbeResult result = new ProbeResult(Ids.newId(), KanaryEvent.SCHEMA_VERSION, instance.service(),
                instance.version(), instance.hostId(), instance.instanceId(), outcome.ok(), outcome.statusCode(),
                outcome.latencyMs(), outcome.probedAt(), outcome.error(), outcome.skipped());
        try {
            producer.send(CloudEvents.record(Topics.HEALTH_PROBES, instance.service(), result, SOURCE,
                    instance.causationId()), (metadata, error) -> {
                if (error != null) {
                    LOG.warn("Probe result for {} on {} was not written: {}", instance.service(), instance.hostId(),
                            error.getMessage());
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            // A probe lost is a sample lost, not a reason to stop probing.
            LOG.warn("Probe result for {} on {} was not sent: {}", instance.service(), instance.hostId(), e.getMessage());
        }
        summaries.onProbe(result);
    }

    /** The Kafka client meters of its producer, to bind to a registry. */
    io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics clientMetrics() {
        return new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(producer);
    }

    void close(Duration timeout) {
        producer.close(timeout);
        summaries.close();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
