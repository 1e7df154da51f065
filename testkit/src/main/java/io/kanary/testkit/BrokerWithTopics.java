package io.kanary.testkit;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.TopicPartitions;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real embedded broker with every kanary topic (and its DLQ) created, one partition each unless
 * built with a {@link TopicPartitions} setting. As a
 * {@code @RegisterExtension} instance field it starts a fresh broker for each test; as a static
 * field, one for the whole class.
 */
public final class BrokerWithTopics implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private EmbeddedKafkaBroker broker;
    private Map<String, Object> kafka;
    private boolean perClass;
    /** The class whose tests the broker serves: a nested class's callbacks leave it running. */
    private String startedFor;
    /** The partitions to create the topics with; null: one partition each. */
    private final TopicPartitions partitions;

    public BrokerWithTopics() {
        this(null);
    }

    /** A broker whose topics have the partitions {@code partitions} says (health.probes, traffic.samples and deploy.events scaled). */
    public BrokerWithTopics(TopicPartitions partitions) {
        this.partitions = partitions;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // Only a static field's extension is called before all tests.
        perClass = true;
        if (broker == null) {
            startedFor = context.getUniqueId();
            start();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(startedFor)) {
            stop();
        }
    }

    /** Client properties for the broker: its bootstrap address. */
    public Map<String, Object> kafka() {
        if (kafka == null) {
            throw new IllegalStateException("the broker runs only while a test does: use kafka() inside one");
        }
        return kafka;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    private void start() {
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        if (partitions == null) {
            TopicSetup.createTopics(kafka, 1, (short) 1);
        } else {
            TopicSetup.createTopics(kafka, partitions, (short) 1);
        }
    }

    private void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
            kafka = null;
        }
    }
}
