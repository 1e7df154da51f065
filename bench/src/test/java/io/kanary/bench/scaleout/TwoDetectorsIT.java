package io.kanary.bench.scaleout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.TopicPartitions;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two breach-detector processes of one application on a real broker, health.probes in six
 * partitions: both get probe partitions, a breach on either is caught, and when one is killed with
 * SIGKILL in the middle of a deployment's evidence, the other takes its partitions and judges the
 * rest, every deployment ending with exactly one rollback command.
 */
class TwoDetectorsIT {
    private static final int PARTITIONS = 6;
    private static final String APPLICATION_ID = "kanary-breach-detector-two";
    /** At most 10% failures over 10 s once 5 probes are in: the fifth failing probe (3 distinct seconds) decides. */
    private static final Policy POLICY = new Policy(0.10, 500L, 10_000L, 5, null, null, null, null).withStartupGraceMs(0);
    private static final Duration RUNS = Duration.ofSeconds(120);
    /** Long enough for a restored task to meet every probe again; checked as "stays so". */
    private static final Duration STAYS = Duration.ofSeconds(8);

    private EmbeddedKafkaBroker broker;
    private Map<String, Object> kafka;
    private final List<DetectorProcess> detectors = new ArrayList<>();

    @BeforeEach
    void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        TopicSetup.createTopics(kafka, new TopicPartitions(PARTITIONS), (short) 1);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (DetectorProcess detector : detectors) {
            detector.close();
        }
        broker.close();
    }

    @Test
    void shouldJudgeEveryDeploymentOnceWhenADetectorIsKilledMidStream(@TempDir Path work) throws Exception {
        DetectorProcess a = started(DetectorProcess.start("detector-a", broker.bootstrapServers(), APPLICATION_ID, work, "256m"));
        DetectorProcess b = started(DetectorProcess.start("detector-b", broker.bootstrapServers(), APPLICATION_ID, work, "256m"));
        try (Admin admin = Admin.create(kafka); KafkaProducer<String, ProbeResult> producer = producer(Topics.HEALTH_PROBES);
             KafkaProducer<String, DeploymentEvent> deployments = producer(Topics.DEPLOY_EVENTS);
             KafkaConsumer<String, RollbackCommand> rollbacks = rollbackReader()) {
            DetectorGroup group = new DetectorGroup(admin, APPLICATION_ID);
            Map<String, Set<Integer>> held = await().atMost(RUNS).until(group::probePartitionsByMember,
                    members -> members.size() == 2 && members.values().stream().noneMatch(Set::isEmpty)
                            && members.values().stream().mapToInt(Set::size).sum() == PARTITIONS);
            // Ten services, named so that their probes spread over all six partitions.
            List<String> services = spreadOverEveryPartition(10);
            Map<String, Integer> partitionOf = services.stream().collect(Collectors.toMap(s -> s, TwoDetectorsIT::partition));
            assertEquals(Set.of(0, 1, 2, 3, 4, 5), Set.copyOf(partitionOf.values()));
            String onA = services.stream().filter(s -> held.get("detector-a").contains(partitionOf.get(s))).findFirst().orElseThrow();
            String onB = services.stream().filter(s -> held.get("detector-b").contains(partitionOf.get(s))).findFirst().orElseThrow();

            Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            for (String service : services) {
                deployments.send(CloudEvents.record(Topics.DEPLOY_EVENTS, service, started(service, t0), "/test", null));
            }
            deployments.flush();
            // A breach on each detector: five failing probes of one service that each of them holds.
            for (int n = 1; n <= 5; n++) {
                send(producer, onA, n, t0);
                send(producer, onB, n, t0);
            }
            producer.flush();
            Map<String, Integer> judged = new TreeMap<>();
            await().atMost(RUNS).until(() -> read(rollbacks, judged).keySet(), Set.of("d-" + onA, "d-" + onB)::equals);

            // The other eight get part of their evidence, processed and committed by whichever detector holds them...
            List<String> rest = services.stream().filter(s -> !s.equals(onA) && !s.equals(onB)).toList();
            for (int n = 1; n <= 2; n++) {
                for (String service : rest) {
                    send(producer, service, n, t0);
                }
            }
            producer.flush();
            long written = group.end(Topics.HEALTH_PROBES.name(), IntStream.range(0, PARTITIONS).boxed().toList());
            await().atMost(RUNS).until(() -> group.committed(Topics.HEALTH_PROBES.name()) >= written);
            // ...a third probe each is on its way when detector-a dies, and the last two come after.
            for (String service : rest) {
                send(producer, service, 3, t0);
            }
            a.kill9();
            for (int n = 4; n <= 6; n++) {
                for (String service : services) {
                    send(producer, service, n, t0); // the two judged ones too: judged again would be a second rollback
                }
            }
            producer.flush();

            Map<String, Integer> expected = services.stream().collect(Collectors.toMap(s -> "d-" + s, s -> 1, (x, y) -> x, TreeMap::new));
            await().atMost(RUNS).until(() -> read(rollbacks, judged), expected::equals);
            await().during(STAYS).atMost(STAYS.plusSeconds(30)).until(() -> read(rollbacks, judged), expected::equals);
            Map<String, Set<Integer>> after = group.probePartitionsByMember();
            assertEquals(Map.of("detector-b", Set.of(0, 1, 2, 3, 4, 5)), after);
            assertFalse(held.get("detector-a").isEmpty(), "detector-a held partitions before it was killed");
        }
    }

    private DetectorProcess started(DetectorProcess detector) {
        detectors.add(detector);
        detector.awaitReady(RUNS);
        return detector;
    }

    /** {@code count} service names, the first six on six different partitions, the rest wherever they fall. */
    private static List<String> spreadOverEveryPartition(int count) {
        List<String> chosen = new ArrayList<>();
        Set<Integer> covered = new java.util.HashSet<>();
        for (int i = 0; chosen.size() < PARTITIONS; i++) {
            if (covered.add(partition("svc-" + i))) {
                chosen.add("svc-" + i);
            }
        }
        for (int i = 0; chosen.size() < count; i++) {
            if (!chosen.contains("svc-" + i)) {
                chosen.add("svc-" + i);
            }
        }
        return List.copyOf(chosen);
    }

    /** The partition Kafka's default partitioner gives a record keyed by {@code service}. */
    private static int partition(String service) {
        byte[] key = service.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key)) % PARTITIONS;
    }

    private static DeploymentEvent.Started started(String service, Instant at) {
        return new DeploymentEvent.Started("e-started-" + service, KanaryEvent.SCHEMA_VERSION, "d-" + service, service,
                "v2", "v1", Map.of("host-1", "v1"), null, POLICY, List.of(List.of("host-1")), "test", at);
    }

    /** The {@code n}th failing probe of {@code service}'s v2, 600 ms after the one before. */
    private static void send(KafkaProducer<String, ProbeResult> producer, String service, int n, Instant t0) {
        ProbeResult probe = new ProbeResult("probe-" + service + "-" + n, KanaryEvent.SCHEMA_VERSION, service, "v2",
                "host-1", "i-" + service, false, 503, 40, t0.plusMillis(600L * (n - 1)), null);
        producer.send(CloudEvents.record(Topics.HEALTH_PROBES, service, probe, "/test", null));
    }

    /** Adds the rollback commands readable now to {@code judged} (count per deployment) and returns it. */
    private static Map<String, Integer> read(KafkaConsumer<String, RollbackCommand> consumer, Map<String, Integer> judged) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> judged.merge(r.value().deploymentId(), 1, Integer::sum));
        return new TreeMap<>(judged);
    }

    private <V> KafkaProducer<String, V> producer(io.kanary.kafka.Topic<String, V> topic) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** Every partition of rollback.commands from the start, committed transactions only. */
    private KafkaConsumer<String, RollbackCommand> rollbackReader() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, RollbackCommand> consumer = new KafkaConsumer<>(props,
                Topics.ROLLBACK_COMMANDS.keySerde().deserializer(), Topics.ROLLBACK_COMMANDS.valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.ROLLBACK_COMMANDS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
