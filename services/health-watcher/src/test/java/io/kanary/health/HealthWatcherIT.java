package io.kanary.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.DeadLetters;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.testkit.BrokerWithTopics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The watcher against a real broker and a real HTTP server. Its default interval is a minute, so
 * every probe seen within the test's bounds proves the deployment's policy interval was applied.
 */
class HealthWatcherIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long POLICY_INTERVAL_MS = 200;
    private static final long DEFAULT_INTERVAL_MS = 60_000;

    @RegisterExtension
    static final BrokerWithTopics BROKER = new BrokerWithTopics();
    private static Map<String, Object> kafka;
    private static Vertx vertx;
    private static HttpServer server;
    private static KafkaProducer<byte[], byte[]> producer;
    private static KafkaConsumer<byte[], byte[]> probesConsumer;
    private static final List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
    private static HealthWatcher watcher;

    @BeforeAll
    static void start() {
        kafka = BROKER.kafka();
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> request.response().end("up"))
                .listen(0, "127.0.0.1").await();
        producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer());
        probesConsumer = consumerOf(Topics.HEALTH_PROBES.name());
        watcher = startWatcher();
    }

    @AfterAll
    static void stop() {
        if (watcher != null) {
            watcher.close();
        }
        probesConsumer.close();
        producer.close();
        vertx.close().await();
    }

    private static HealthWatcher startWatcher() {
        // A generous timeout: on a loaded machine the server may answer late, and late is still healthy here.
        return HealthWatcher.start(new HealthWatcherConfig(kafka, DEFAULT_INTERVAL_MS, Duration.ofSeconds(10),
                "health-watcher-test"));
    }

    @Test
    void shouldProbeStartedInstanceAndStopTheMomentItStops() {
        deploymentStarted("checkout");
        HostEvent.Started first = hostStarted("checkout", "v2", "host-1", "i-1");
        hostStarted("checkout", "v2", "host-2", "i-2");

        await().atMost(WAIT).until(() -> probesOf("i-1").size() >= 2);
        ConsumerRecord<byte[], byte[]> record = probesOf("i-1").get(0);
        ProbeResult probe = decode(record);
        assertEquals("checkout", new String(record.key(), StandardCharsets.UTF_8));
        assertEquals(List.of("checkout", "v2", "host-1", true, 200),
                List.of(probe.service(), probe.version(), probe.hostId(), probe.ok(), probe.statusCode()));
        assertEquals(first.eventId(), CloudEvents.header(record, CloudEvents.CAUSATION_ID).orElseThrow());
        assertEquals("/kanary/health-watcher", CloudEvents.header(record, CloudEvents.SOURCE).orElseThrow());
        assertEquals("kanary.probe.result.v1", CloudEvents.header(record, CloudEvents.TYPE).orElseThrow());

        send(Topics.HOST_EVENTS, "host-1", new HostEvent.Stopped(Ids.newId(), KanaryEvent.SCHEMA_VERSION, "host-1",
                Ids.newId(), "d-checkout", "checkout", "v2", "i-1", Instant.now()), null);

        awaitNoNewProbesOf("i-1");
        int othersBefore = probesOf("i-2").size();
        await().atMost(WAIT).until(() -> probesOf("i-2").size() >= othersBefore + 3);
    }

    @Test
    void shouldProbeTheRolledBackInstanceInsteadOfTheOneItReplaced() {
        deploymentStarted("cart");
        hostStarted("cart", "v2", "host-3", "i-3-v2");
        await().atMost(WAIT).until(() -> !probesOf("i-3-v2").isEmpty());

        HostEvent.RolledBack rolledBack = new HostEvent.RolledBack(Ids.newId(), KanaryEvent.SCHEMA_VERSION, "host-3",
                Ids.newId(), "d-cart", "cart", "v1", instance("i-3-v1"), Instant.now());
        send(Topics.HOST_EVENTS, "host-3", rolledBack, rolledBack.commandId());

        await().atMost(WAIT).until(() -> probesOf("i-3-v1").size() >= 2);
        ConsumerRecord<byte[], byte[]> record = probesOf("i-3-v1").get(0);
        assertEquals("v1", decode(record).version());
        assertEquals(rolledBack.eventId(), CloudEvents.header(record, CloudEvents.CAUSATION_ID).orElseThrow());
        awaitNoNewProbesOf("i-3-v2");
    }

    @Test
    void shouldSendUnreadableAndIncompleteHostEventsToTheDlq() {
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(Topics.HOST_EVENTS.name(), "host-x".getBytes(StandardCharsets.UTF_8), garbage));
        HostEvent.Started noHealthUrl = new HostEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION, "host-y",
                Ids.newId(), "d-x", "broken", "v1", new Instance("i-y", "http://127.0.0.1:1", null), Instant.now());
        send(Topics.HOST_EVENTS, "host-y", noHealthUrl, null);

        try (KafkaConsumer<byte[], byte[]> dlq = consumerOf(Topics.HOST_EVENTS.dlqName())) {
            List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(dead::add);
                return dead.size() >= 2;
            });
            assertEquals("{not json", new String(dead.get(0).value(), StandardCharsets.UTF_8));
            assertTrue(header(dead.get(0), DeadLetters.REASON).startsWith("Not a valid HostEvent"),
                    header(dead.get(0), DeadLetters.REASON));
            assertEquals(Topics.HOST_EVENTS.name(), header(dead.get(0), DeadLetters.TOPIC));
            assertEquals("host.instance.started without instance.healthUrl", header(dead.get(1), DeadLetters.REASON));
        }
    }

    @Test
    void shouldNotProbeAnInstanceWhileItIsBeingReplacedAndProbeItAgainIfTheReplacementFails() {
        deploymentStarted("cart");
        hostStarted("cart", "v1", "host-7", "i-7");
        await().atMost(WAIT).until(() -> !probesOf("i-7").isEmpty());

        send(Topics.HOST_EVENTS, "host-7", new HostEvent.Starting(Ids.newId(), KanaryEvent.SCHEMA_VERSION, "host-7",
                "c-2", "d-cart", "cart", "v2", Instant.now()), "c-2");
        awaitNoNewProbesOf("i-7");

        int before = probesOf("i-7").size();
        send(Topics.HOST_EVENTS, "host-7", new HostEvent.CommandFailed(Ids.newId(), KanaryEvent.SCHEMA_VERSION, "host-7",
                "c-2", "d-cart", "cart", "v2", "image not found", Instant.now()), "c-2");
        await().atMost(WAIT).until(() -> probesOf("i-7").size() >= before + 2);
    }

    @Test
    void shouldRebuildLiveInstancesFromTheStartAfterARestart() {
        deploymentStarted("search");
        HostEvent.Started started = hostStarted("search", "v7", "host-9", "i-9");
        await().atMost(WAIT).until(() -> !probesOf("i-9").isEmpty());

        watcher.close();
        watcher = null;
        int before = probesOf("i-9").size();
        watcher = startWatcher();

        await().atMost(WAIT).until(() -> probesOf("i-9").size() >= before + 2);
        List<ConsumerRecord<byte[], byte[]>> probes = probesOf("i-9"); // one snapshot: the list keeps growing
        ConsumerRecord<byte[], byte[]> last = probes.get(probes.size() - 1);
        assertEquals(started.eventId(), CloudEvents.header(last, CloudEvents.CAUSATION_ID).orElseThrow());
    }

    /**
     * Waits until no probe of {@code instanceId} arrives for two seconds, ten times its probe
     * interval; an instance still probed never goes quiet that long and fails the wait.
     */
    private static void awaitNoNewProbesOf(String instanceId) {
        AtomicInteger lastCount = new AtomicInteger(-1);
        await().atMost(WAIT).during(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
            int count = probesOf(instanceId).size();
            return lastCount.getAndSet(count) == count;
        });
    }

    private static void deploymentStarted(String service) {
        Policy policy = new Policy(null, null, null, null, POLICY_INTERVAL_MS, null, null, null);
        DeploymentEvent.Started started = new DeploymentEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION,
                "d-" + service, service, "v2", "v1", Map.of(), null, policy, List.of(List.of("host-1")), "test",
                Instant.now());
        send(Topics.DEPLOY_EVENTS, service, started, null);
    }

    private static HostEvent.Started hostStarted(String service, String version, String hostId, String instanceId) {
        HostEvent.Started started = new HostEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId, Ids.newId(),
                "d-" + service, service, version, instance(instanceId), Instant.now());
        send(Topics.HOST_EVENTS, hostId, started, started.commandId());
        return started;
    }

    private static Instance instance(String instanceId) {
        String address = "http://127.0.0.1:" + server.actualPort();
        return new Instance(instanceId, address, address + "/health?instance=" + instanceId);
    }

    private static <V extends KanaryEvent> void send(Topic<String, V> topic, String key, V event, String cause) {
        ProducerRecord<String, V> record = CloudEvents.record(topic, key, event, "/test", cause);
        producer.send(new ProducerRecord<>(record.topic(), null, key.getBytes(StandardCharsets.UTF_8),
                topic.valueSerde().serializer().serialize(record.topic(), event), record.headers()));
        producer.flush();
    }

    /** Every probe of {@code instanceId} received so far, in order. */
    private static synchronized List<ConsumerRecord<byte[], byte[]>> probesOf(String instanceId) {
        probesConsumer.poll(Duration.ofMillis(50)).forEach(received::add);
        // A probe the loaded test machine made the watcher skip is neither a pass nor a failure: left out.
        return received.stream().filter(r -> instanceId.equals(decode(r).instanceId()) && !decode(r).wasSkipped())
                .toList();
    }

    private static ProbeResult decode(ConsumerRecord<byte[], byte[]> record) {
        return Topics.HEALTH_PROBES.valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return CloudEvents.header(record, name).orElse("");
    }

    private static KafkaConsumer<byte[], byte[]> consumerOf(String topic) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }
}
