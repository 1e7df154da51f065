package io.kanary.health.summary;

import io.kanary.checks.HealthStreaks;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Topics;
import io.kanary.schema.InstanceHealth;
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

/**
 * Publishes instance.health beside the watcher's probes: each probe is counted into its instance's
 * streak ({@link HealthStreaks}) and a summary goes out when the instance's ok-state changes, else at
 * most once a second. Each summary names the latest probe it counts as its cause, so the audit walks
 * from a batch its gates completed to that probe and on to the instance's host event.
 *
 * <p>The streaks live in memory: a watcher restart starts them again, which only delays a gate by the
 * policy's healthy time, never passes one early.
 */
public final class InstanceHealthPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceHealthPublisher.class);
    private static final int LINGER_MS = 5;

    private final Producer<String, InstanceHealth> producer;
    private final HealthStreaks streaks;
    private final String source;

    InstanceHealthPublisher(Producer<String, InstanceHealth> producer, HealthStreaks streaks, String source) {
        this.producer = producer;
        this.streaks = streaks;
        this.source = source;
    }

    /** A publisher with a producer of its own, signing its records with {@code source} (the CloudEvents ce_source). */
    public static InstanceHealthPublisher create(Map<String, Object> kafka, String source) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, props.getOrDefault(ProducerConfig.CLIENT_ID_CONFIG,
                "kanary-health-watcher") + "-instance-health");
        KafkaProducer<String, InstanceHealth> producer = new KafkaProducer<>(props,
                Topics.INSTANCE_HEALTH.keySerde().serializer(), Topics.INSTANCE_HEALTH.valueSerde().serializer());
        return new InstanceHealthPublisher(producer, new HealthStreaks(), source);
    }

    /** Counts {@code probe}, already sent to health.probes, and publishes its instance's summary if one is due. */
    public void onProbe(ProbeResult probe) {
        streaks.next(probe).ifPresent(this::send);
    }

    private void send(InstanceHealth health) {
        try {
            producer.send(CloudEvents.record(Topics.INSTANCE_HEALTH, health.service(), health, source,
                    health.lastProbeId()), (metadata, error) -> {
                if (error != null) {
                    LOG.warn("Health summary of {} on {} was not written: {}", health.service(), health.hostId(),
                            error.getMessage());
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            // A summary lost delays a gate until the next one (within a second); not a reason to stop probing.
            LOG.warn("Health summary of {} on {} was not sent: {}", health.service(), health.hostId(), e.getMessage());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
