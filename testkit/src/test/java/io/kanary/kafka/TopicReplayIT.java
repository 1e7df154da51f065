package io.kanary.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.testkit.BrokerWithTopics;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TopicReplay#readToEnd} on a real broker: each test reads topics of its own. */
class TopicReplayIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final BrokerWithTopics BROKER = new BrokerWithTopics();

    @Test
    void shouldReadNothingFromAnEmptyTopic() throws Exception {
        createTopic("replay.empty", 1);
        List<String> read = new ArrayList<>();

        TopicReplay.Replayed replayed = TopicReplay.readToEnd(BROKER.kafka(), List.of("replay.empty"), TIMEOUT,
                r -> read.add(value(r)));

        assertEquals(List.of(), read);
        assertEquals(new TopicReplay.Replayed(0, List.of()), replayed);
    }

    @Test
    void shouldReadAMissingTopicAsEmptyWithoutCreatingIt() throws Exception {
        List<String> read = new ArrayList<>();

        TopicReplay.Replayed replayed = TopicReplay.readToEnd(BROKER.kafka(), List.of("replay.missing"), TIMEOUT,
                r -> read.add(value(r)));

        assertEquals(List.of(), read);
        assertEquals(new TopicReplay.Replayed(0, List.of("replay.missing")), replayed);
        try (Admin admin = Admin.create(BROKER.kafka())) {
            assertFalse(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("replay.missing"));
        }
    }

    @Test
    void shouldReadEveryPartitionInOrderUpToTheEndTakenAtTheStart() throws Exception {
        createTopic("replay.wide", 3);
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (String[] record : new String[][] {{"0", "a1"}, {"1", "b1"}, {"0", "a2"}, {"2", "c1"}, {"1", "b2"},
                    {"0", "a3"}}) {
                producer.send(new ProducerRecord<>("replay.wide", Integer.parseInt(record[0]), "k", record[1])).get();
            }
            Map<Integer, List<String>> byPartition = new HashMap<>();

            TopicReplay.Replayed replayed = TopicReplay.readToEnd(BROKER.kafka(), List.of("replay.wide"), TIMEOUT, r -> {
                if (byPartition.isEmpty()) {
                    // Written after the read began: a later reader's business, not this one's.
                    send(producer, new ProducerRecord<>("replay.wide", 2, "k", "late"));
                }
                byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(value(r));
            });

            assertEquals(Map.of(0, List.of("a1", "a2", "a3"), 1, List.of("b1", "b2"), 2, List.of("c1")), byPartition);
            assertEquals(6, replayed.records());
        }
        List<String> again = new ArrayList<>();
        TopicReplay.readToEnd(BROKER.kafka(), List.of("replay.wide"), TIMEOUT, r -> again.add(value(r)));
        assertTrue(again.contains("late"), again.toString());
        assertEquals(7, again.size());
    }

    @Test
    void shouldHandOverNoRecordOfAnAbortedTransaction() throws Exception {
        createTopic("replay.transactions", 1);
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "replay-it"))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("replay.transactions", "k", "committed")).get();
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("replay.transactions", "k", "aborted")).get();
            producer.abortTransaction();
        }
        List<String> read = new ArrayList<>();

        TopicReplay.readToEnd(BROKER.kafka(), List.of("replay.transactions"), TIMEOUT, r -> read.add(value(r)));

        assertEquals(List.of("committed"), read);
    }

    @Test
    void shouldFailInOneSentenceNamingTopicClusterAndTimeoutWhenNoBrokerAnswers() throws Exception {
        String nowhere;
        try (ServerSocket socket = new ServerSocket(0)) {
            nowhere = "127.0.0.1:" + socket.getLocalPort();
        }
        Map<String, Object> kafka = KafkaSettings.bootstrap(nowhere);

        TopicReplay.TimedOut error = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> assertThrows(
                TopicReplay.TimedOut.class,
                () -> TopicReplay.readToEnd(kafka, Topics.DEPLOY_EVENTS, Duration.ofSeconds(3), r -> { })));

        assertEquals("Couldn't read deploy.events: the Kafka cluster at " + nowhere + " did not answer within 3 s; "
                + "check that its brokers run and that bootstrap.servers (KAFKA_BOOTSTRAP_SERVERS) names them.",
                error.getMessage());
        assertEquals(List.of(), error.unfinished());
        assertNull(error.getCause(), "a root-cause message must be the sentence above");
    }

    private static void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(BROKER.kafka())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // Created is not yet known everywhere: on a loaded machine the broker's metadata may still lack
            // the topic (and its leaders) a moment later, and a replay would rightly call it missing.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.describeTopics(List.of(name))
                    .allTopicNames().get(10, TimeUnit.SECONDS).get(name).partitions().stream()
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(BROKER.kafka());
        props.putAll(extra);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static void send(KafkaProducer<String, String> producer, ProducerRecord<String, String> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String value(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
