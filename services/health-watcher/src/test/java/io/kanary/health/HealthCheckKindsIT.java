package io.kanary.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HealthCheck;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RunSpec;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
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

/**
 * The watcher runs each instance's health check, learnt from its host.instance.started, against a
 * real broker and real HTTP and TCP servers: every test uses its own service and instances.
 */
class HealthCheckKindsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long POLICY_INTERVAL_MS = 200;
    private static final HealthCheck.Http STATUS_HEALTHY = new HealthCheck.Http("/ready", List.of(200),
            new HealthCheck.BodyExpectation("/status", TextNode.valueOf("healthy")), 10_000L);

    private static EmbeddedKafkaBroker broker;
    private static Map<String, Object> kafka;
    private static Vertx vertx;
    private static KafkaProducer<byte[], byte[]> producer;
    private static KafkaConsumer<byte[], byte[]> probesConsumer;
    private static final List<ProbeResult> received = new ArrayList<>();
    private static HealthWatcher watcher;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        TopicSetup.createTopics(kafka, 1, (short) 1);
        vertx = Vertx.vertx();
        producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer());
        probesConsumer = probesConsumer();
        watcher = HealthWatcher.start(new HealthWatcherConfig(kafka, 60_000, Duration.ofSeconds(10),
                "health-check-kinds-test"));
    }

    @AfterAll
    static void stop() {
        if (watcher != null) {
            watcher.close();
        }
        probesConsumer.close();
        producer.close();
        vertx.close().await();
        broker.close();
    }

    @Test
    void shouldFailProbesWhoseBodyMissesTheExpectedValueAndSayWhich() {
        AtomicReference<String> status = new AtomicReference<>("degraded");
        String address = statusServer(status);
        deploymentStarted("orders");

        hostStarted("orders", "v2", "host-1", new Instance("orders-1", address, address + "/health", STATUS_HEALTHY));

        ProbeResult failed = await().atMost(WAIT).until(() -> firstProbe("orders-1", false), p -> p != null);
        assertEquals(200, failed.statusCode());
        assertEquals("body /status was \"degraded\", expected \"healthy\"", failed.error());

        status.set("healthy");

        ProbeResult passed = await().atMost(WAIT).until(() -> firstProbe("orders-1", true), p -> p != null);
        assertEquals(200, passed.statusCode());
        assertEquals(null, passed.error());
    }

    @Test
    void shouldPassATcpCheckOnAListeningPortAndFailItOnAClosedOne() throws IOException {
        NetServer listening = vertx.createNetServer().connectHandler(socket -> socket.close())
                .listen(0, "127.0.0.1").await();
        String open = "http://127.0.0.1:" + listening.actualPort();
        String closed = "http://127.0.0.1:" + closedPort();
        deploymentStarted("cache");

        hostStarted("cache", "v1", "host-2", new Instance("cache-open", open, open + "/health",
                new HealthCheck.Tcp(10_000L)));
        hostStarted("cache", "v1", "host-3", new Instance("cache-closed", closed, closed + "/health",
                new HealthCheck.Tcp(10_000L)));

        await().atMost(WAIT).until(() -> probesOf("cache-open").size() >= 2 && probesOf("cache-closed").size() >= 2);
        assertEquals(List.of(true), probesOf("cache-open").stream().map(ProbeResult::ok).distinct().toList());
        assertEquals(List.of(false), probesOf("cache-closed").stream().map(ProbeResult::ok).distinct().toList());
        String error = probesOf("cache-closed").get(0).error();
        assertTrue(error.startsWith("tcp connect to 127.0.0.1:" + closed.substring(closed.lastIndexOf(':') + 1)
                + " failed: ") && error.contains("refused"), error);
    }

    @Test
    void shouldLeaveCommandChecksToTheExecutor() {
        AtomicReference<String> status = new AtomicReference<>("healthy");
        String address = statusServer(status);
        deploymentStarted("billing");

        hostStarted("billing", "v1", "host-4", new Instance("billing-command", address, address + "/ready",
                new HealthCheck.Command(List.of("/usr/bin/true"), 0, null)));
        hostStarted("billing", "v1", "host-5", new Instance("billing-http", address, address + "/ready"));

        // Probes of the instance started after it prove the watcher has read past it.
        await().atMost(WAIT).until(() -> probesOf("billing-http").size() >= 3);
        assertEquals(List.of(), probesOf("billing-command"));
    }

    @Test
    void shouldJudgeARolledBackInstanceByTheCheckItsVersionStartedWith() {
        AtomicReference<String> status = new AtomicReference<>("healthy");
        String address = statusServer(status);
        deploymentStarted("search");
        hostStarted("search", "v1", "host-6", new Instance("search-v1", address, address + "/health", STATUS_HEALTHY));
        hostStarted("search", "v2", "host-6", new Instance("search-v2", address, address + "/health"));
        await().atMost(WAIT).until(() -> !probesOf("search-v2").isEmpty());

        status.set("starting");
        // A rollback names the instance it brought back, not its check.
        HostEvent.RolledBack back = new HostEvent.RolledBack(Ids.newId(), KanaryEvent.SCHEMA_VERSION, "host-6",
                Ids.newId(), "d-search", "search", "v1", new Instance("search-v1b", address, address + "/health"),
                Instant.now());
        send(Topics.HOST_EVENTS, "host-6", back, back.commandId());

        ProbeResult failed = await().atMost(WAIT).until(() -> firstProbe("search-v1b", false), p -> p != null);
        assertEquals("body /status was \"starting\", expected \"healthy\"", failed.error());
    }

    @Test
    void shouldJudgeAnInstanceReportedWithoutItsCheckByItsDeploymentsCheck() {
        AtomicReference<String> status = new AtomicReference<>("degraded");
        String address = statusServer(status);
        // As an executor restarted mid-deploy reports it: the instance from its driver's record, without the check.
        deploymentStarted("payments", RunSpec.process(List.of("/usr/bin/payments"), Map.of()).withCheck(STATUS_HEALTHY));

        hostStarted("payments", "v2", "host-8", new Instance("payments-1", address, address + "/health"));

        ProbeResult failed = await().atMost(WAIT).until(() -> firstProbe("payments-1", false), p -> p != null);
        assertEquals("body /status was \"degraded\", expected \"healthy\"", failed.error());
    }

    @Test
    void shouldGiveAnInstanceItsDeploymentsCheckWhenTheDeploymentIsReadAfterIt() {
        AtomicReference<String> status = new AtomicReference<>("degraded");
        String address = statusServer(status);
        deploymentStarted("refunds"); // an earlier deployment: it sets the probe interval
        hostStarted("refunds", "v2", "host-9", "d-refunds-2", new Instance("refunds-1", address, address + "/health"));
        // Until its deployment is read, the instance is judged by its health URL answering 2xx.
        await().atMost(WAIT).until(() -> firstProbe("refunds-1", true), p -> p != null);

        deploymentStarted("refunds", "d-refunds-2",
                RunSpec.process(List.of("/usr/bin/refunds"), Map.of()).withCheck(STATUS_HEALTHY));

        ProbeResult failed = await().atMost(WAIT).until(() -> firstProbe("refunds-1", false), p -> p != null);
        assertEquals("body /status was \"degraded\", expected \"healthy\"", failed.error());
    }

    /** /ready and /health answer 200 with {"status": <status>}. */
    private static String statusServer(AtomicReference<String> status) {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.response()
                .putHeader("content-type", "application/json")
                .end("{\"status\":\"" + status.get() + "\",\"version\":\"v2\"}"))
                .listen(0, "127.0.0.1").await();
        return "http://127.0.0.1:" + server.actualPort();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deploymentStarted(String service) {
        deploymentStarted(service, null);
    }

    private static void deploymentStarted(String service, RunSpec run) {
        deploymentStarted(service, "d-" + service, run);
    }

    private static void deploymentStarted(String service, String deploymentId, RunSpec run) {
        Policy policy = new Policy(null, null, null, null, POLICY_INTERVAL_MS, null, null, null);
        send(Topics.DEPLOY_EVENTS, service, new DeploymentEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION,
                deploymentId, service, "v2", "v1", Map.of(), run, policy, List.of(List.of("host-1")), "test",
                Instant.now()), null);
    }

    private static void hostStarted(String service, String version, String hostId, Instance instance) {
        hostStarted(service, version, hostId, "d-" + service, instance);
    }

    private static void hostStarted(String service, String version, String hostId, String deploymentId,
                                    Instance instance) {
        HostEvent.Started started = new HostEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId, Ids.newId(),
                deploymentId, service, version, instance, Instant.now());
        send(Topics.HOST_EVENTS, hostId, started, started.commandId());
    }

    private static <V extends KanaryEvent> void send(Topic<String, V> topic, String key, V event, String cause) {
        ProducerRecord<String, V> record = CloudEvents.record(topic, key, event, "/test", cause);
        producer.send(new ProducerRecord<>(record.topic(), null, key.getBytes(StandardCharsets.UTF_8),
                topic.valueSerde().serializer().serialize(record.topic(), event), record.headers()));
        producer.flush();
    }

    private static ProbeResult firstProbe(String instanceId, boolean ok) {
        return probesOf(instanceId).stream().filter(p -> p.ok() == ok).findFirst().orElse(null);
    }

    /** Every probe of {@code instanceId} received so far, in order. */
    private static synchronized List<ProbeResult> probesOf(String instanceId) {
        for (ConsumerRecord<byte[], byte[]> r : probesConsumer.poll(Duration.ofMillis(50))) {
            received.add(Topics.HEALTH_PROBES.valueSerde().deserializer().deserialize(r.topic(), r.value()));
        }
        // A probe the loaded test machine made the watcher skip is neither a pass nor a failure: left out.
        return received.stream().filter(p -> instanceId.equals(p.instanceId()) && !p.wasSkipped()).toList();
    }

    private static KafkaConsumer<byte[], byte[]> probesConsumer() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(Topics.HEALTH_PROBES.name(), 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }
}
