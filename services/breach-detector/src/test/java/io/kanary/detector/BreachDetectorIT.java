package io.kanary.detector;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.detector.verdict.EventIds;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The detector against a real broker: exactly-once, read back by a read_committed consumer. */
class BreachDetectorIT {
    private static final Logger LOG = LoggerFactory.getLogger(BreachDetectorIT.class);
    private static final String SERVICE = "checkout";
    private static final String APPLICATION_ID = "breach-detector-it";
    private static final Policy POLICY = new Policy(0.10, 500L, 10_000L, 5, null, null, null, null)
            .withStartupGraceMs(0);

    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        TopicSetup.createTopics(KafkaSettings.bootstrap(broker.bootstrapServers()), 1, (short) 1);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldPublishOneRollbackCommandForBreachingDeployment(@TempDir Path stateDir) throws Exception {
        Map<String, Object> kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        DetectorConfig config = DetectorConfig.defaults(kafka).withApplicationId(APPLICATION_ID).withStateDir(stateDir);
        try (BreachDetector detector = BreachDetector.start(config);
             KafkaProducer<String, DeploymentEvent> deployEvents = producer(Topics.DEPLOY_EVENTS);
             KafkaProducer<String, ProbeResult> probes = producer(Topics.HEALTH_PROBES);
             KafkaConsumer<String, RollbackCommand> rollbacks = committedReader(Topics.ROLLBACK_COMMANDS);
             Admin admin = Admin.create(kafka)) {
            // Whole seconds, so that the probes below fall into known 1 s buckets.
            Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            DeploymentEvent.Started started = new DeploymentEvent.Started("e-started", KanaryEvent.SCHEMA_VERSION,
                    "d-it", SERVICE, "v2", "v1", Map.of("host-1", "v1"), null, POLICY, List.of(List.of("host-1")),
                    "test", now);
            deployEvents.send(CloudEvents.record(Topics.DEPLOY_EVENTS, SERVICE, started, "/test", null)).get();
            // Failures in 3 distinct seconds are the least evidence: these four fill two.
            for (int i = 1; i <= 4; i++) {
                probes.send(CloudEvents.record(Topics.HEALTH_PROBES, SERVICE, failedProbe(i, now), "/test", null)).get();
            }
            // Measure from the decisive probe alone: the four before it are processed and committed first.
            await().atMost(Duration.ofSeconds(30)).until(() -> committedProbes(admin) == 4);
            rollbacks.poll(Duration.ofMillis(100));

            long sentAt = System.nanoTime();
            probes.send(CloudEvents.record(Topics.HEALTH_PROBES, SERVICE, failedProbe(5, now), "/test", null));
            List<ConsumerRecord<String, RollbackCommand>> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        rollbacks.poll(Duration.ofMillis(50)).forEach(read::add);
                        return !read.isEmpty();
                    });
            long latencyMs = (System.nanoTime() - sentAt) / 1_000_000;
            System.out.printf("Decisive probe produced -> rollback command readable (read_committed): %d ms%n", latencyMs);
            LOG.info("Decisive probe produced -> rollback command readable (read_committed): {} ms", latencyMs);

            RollbackCommand command = read.get(0).value();
            assertEquals(List.of(SERVICE, "d-it", EventIds.breach("d-it"), EventIds.breach("d-it")),
                    List.of(read.get(0).key(), command.deploymentId(), command.breachId(),
                            CloudEvents.header(read.get(0), CloudEvents.CAUSATION_ID).orElseThrow()));
            assertTrue(command.reason().startsWith("v2 error rate 100.0% > limit 10.0% over 3s (mSPRT error rate > limit: "),
                    command.reason());
        }
    }

    private static ProbeResult failedProbe(int n, Instant start) {
        return new ProbeResult("it-probe-" + n, KanaryEvent.SCHEMA_VERSION, SERVICE, "v2", "host-1", "i-1", false,
                503, 40, start.plusMillis(600L * (n - 1)), null);
    }

    private static long committedProbes(Admin admin) throws Exception {
        ListConsumerGroupOffsetsResult result = admin.listConsumerGroupOffsets(APPLICATION_ID);
        OffsetAndMetadata offset = result.partitionsToOffsetAndMetadata().get()
                .get(new TopicPartition(Topics.HEALTH_PROBES.name(), 0));
        return offset == null ? 0 : offset.offset();
    }

    private static <V> KafkaProducer<String, V> producer(Topic<String, V> topic) {
        Map<String, Object> props = new HashMap<>(KafkaSettings.bootstrap(broker.bootstrapServers()));
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    private static <V> KafkaConsumer<String, V> committedReader(Topic<String, V> topic) {
        Map<String, Object> props = new HashMap<>(KafkaSettings.bootstrap(broker.bootstrapServers()));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
        TopicPartition partition = new TopicPartition(topic.name(), 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }
}
