package io.kanary.detector.evidence;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.detector.BreachDetector;
import io.kanary.detector.DetectorConfig;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.TrafficSample;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
 * The evidence branch on a real broker: a waiting batch's progress on judgements once a second, then,
 * on one second of its instance's traffic, its healthy judgement, once, and no more progress.
 */
class EvidenceOnTrafficIT {
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
    void shouldShowProgressWhileABatchWaitsThenJudgeItHealthyOnItsTraffic(@TempDir Path stateDir) throws Exception {
        Map<String, Object> kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        DetectorConfig config = DetectorConfig.defaults(kafka).withApplicationId("evidence-on-traffic-it")
                .withStateDir(stateDir);
        try (BreachDetector detector = BreachDetector.start(config);
             KafkaProducer<String, DeploymentEvent> deployEvents = producer(Topics.DEPLOY_EVENTS);
             KafkaProducer<String, TrafficSample> samples = producer(Topics.TRAFFIC_SAMPLES);
             KafkaConsumer<String, Judgement> judgements = committedReader(Topics.JUDGEMENTS)) {
            Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            send(deployEvents, new DeploymentEvent.Started("e-started", KanaryEvent.SCHEMA_VERSION, "d-evidence", SERVICE,
                    "v2", "v1", Map.of("host-1", "v1"), null, POLICY, List.of(List.of("host-1")), "test", start));
            send(deployEvents, new DeploymentEvent.BatchStarted("e-batch", KanaryEvent.SCHEMA_VERSION, "d-evidence",
                    SERVICE, 0, List.of("host-1"), start));

            List<Judgement> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                judgements.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
                return read.size() >= 2;
            });
            assertTrue(read.stream().allMatch(j -> j instanceof Judgement.Progress p && p.samples() == 0
                    && p.towardHealthy() == 0.0 && p.evidenceWaitMs() == 120_000), read.toString());
            assertTrue(((Judgement.Progress) read.get(1)).waitedMs() > ((Judgement.Progress) read.get(0)).waitedMs(),
                    read.toString());

            // One second of host-1's requests, 200 answered within 50 ms, none failed.
            samples.send(CloudEvents.record(Topics.TRAFFIC_SAMPLES, SERVICE, new TrafficSample("t-1",
                    KanaryEvent.SCHEMA_VERSION, SERVICE, "v2", "host-1", "v2-a", "scrape", start, start.plusSeconds(1),
                    200, 0, List.of(new TrafficSample.LatencyBucket(50, 200))), "/test", null)).get();

            List<Judgement> verdicts = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                judgements.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (!(r.value() instanceof Judgement.Progress)) {
                        verdicts.add(r.value());
                    }
                });
                return !verdicts.isEmpty();
            });
            Judgement.Healthy healthy = (Judgement.Healthy) verdicts.get(0);
            assertEquals(List.of("d-evidence", 0, 200L), List.of(healthy.deploymentId(), healthy.batch(), healthy.samples()));
            assertEquals("mSPRT healthy on traffic: error rate < limit and < 5.0% slower than the p99 limit", healthy.test());

            // Judged: no second verdict and no more progress of the batch, however long the detector runs.
            List<Judgement> after = new ArrayList<>();
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(20)).until(() -> {
                judgements.poll(Duration.ofMillis(200)).forEach(r -> after.add(r.value()));
                return after.isEmpty();
            });
        }
    }

    private static void send(KafkaProducer<String, DeploymentEvent> producer, DeploymentEvent event) throws Exception {
        producer.send(CloudEvents.record(Topics.DEPLOY_EVENTS, SERVICE, event, "/test", null)).get();
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
