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
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.RollbackCommand;
import io.kanary.schema.TrafficSample;
import io.kanary.schema.TrafficSample.LatencyBucket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector judging traffic.samples on a real broker: a deployment whose new version's instances
 * report a third of their requests failed is rolled back, and the breach names the requests it rests on.
 */
class BreachDetectorTrafficIT {
    private static final String SERVICE = "checkout";
    private static final Policy POLICY = Policy.defaults().withStartupGraceMs(0);

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
    void shouldRollBackADeploymentWhoseTrafficFails(@TempDir Path stateDir) throws Exception {
        Map<String, Object> kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        DetectorConfig config = DetectorConfig.defaults(kafka).withApplicationId("breach-detector-traffic-it")
                .withStateDir(stateDir);
        try (BreachDetector detector = BreachDetector.start(config);
             KafkaProducer<String, DeploymentEvent> deployEvents = producer(Topics.DEPLOY_EVENTS);
             KafkaProducer<String, TrafficSample> samples = producer(Topics.TRAFFIC_SAMPLES);
             KafkaConsumer<String, RollbackCommand> rollbacks = committedReader(Topics.ROLLBACK_COMMANDS);
             KafkaConsumer<String, Breach> breaches = committedReader(Topics.BREACHES)) {
            Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
            deployEvents.send(CloudEvents.record(Topics.DEPLOY_EVENTS, SERVICE, new DeploymentEvent.Started("e-started",
                    KanaryEvent.SCHEMA_VERSION, "d-traffic", SERVICE, "v2", "v1", Map.of("host-1", "v1"), null, POLICY,
                    List.of(List.of("host-1")), "test", start), "/test", null)).get();
            // 20 s of traffic: v1 fails 1 in 100 requests, v2 one in three, on two instances each.
            for (int s = 0; s < 20; s++) {
                for (String instance : List.of("a", "b")) {
                    send(samples, sample("v1", instance, start.plusSeconds(s), 1));
                    send(samples, sample("v2", instance, start.plusSeconds(s), 33));
                }
            }
            samples.flush();

            List<ConsumerRecord<String, RollbackCommand>> commands = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                rollbacks.poll(Duration.ofMillis(200)).forEach(commands::add);
                return !commands.isEmpty();
            });
            RollbackCommand command = commands.get(0).value();
            assertEquals(List.of(SERVICE, "d-traffic", EventIds.breach("d-traffic")),
                    List.of(commands.get(0).key(), command.deploymentId(), command.breachId()));
            assertTrue(command.reason().matches("v2 error rate 33\\.0% > limit 5\\.0% over \\d+s \\(mSPRT error rate > limit: "
                    + "log-LR \\d+\\.\\d ≥ 8\\.3; \\d+ requests; baseline v1 1\\.0% over \\d+ requests\\)"), command.reason());

            List<Breach> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                breaches.poll(Duration.ofMillis(200)).forEach(record -> read.add(record.value()));
                return !read.isEmpty();
            });
            Breach breach = read.get(0);
            assertEquals(List.of(breach.samples(), breach.baselineSamples()), List.of(breach.requests(), breach.baselineRequests()),
                    "every outcome judged was a request");
        }
    }

    private static TrafficSample sample(String version, String instance, Instant from, long errors) {
        return new TrafficSample("it-" + version + "-" + instance + "-" + from.toEpochMilli(), KanaryEvent.SCHEMA_VERSION,
                SERVICE, version, "host-" + instance, version + "-" + instance, "scrape", from, from.plusSeconds(1), 100, errors,
                List.of(new LatencyBucket(50, 60), new LatencyBucket(100, 95), new LatencyBucket(250, 100)));
    }

    private static void send(KafkaProducer<String, TrafficSample> producer, TrafficSample sample) {
        producer.send(CloudEvents.record(Topics.TRAFFIC_SAMPLES, SERVICE, sample, "/test", null));
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
