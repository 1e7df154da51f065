package io.kanary.health;

import static io.kanary.testkit.RawTopics.header;
import static io.kanary.testkit.RawTopics.readToEnd;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sun.net.httpserver.HttpServer;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.DeadLetters;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.RawTopics;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No record stops the health-watcher: each bad host event goes to host.events.dlq once, signed by
 * the watcher, and not again when a restart reads the history again; bad deploy.events records are
 * skipped (the breach-detector owns that DLQ); the good instance after them is probed.
 */
class HealthWatcherPoisonIT {
    private static final String NOW = "2025-03-14T09:26:53Z";
    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();
    private Map<String, Object> kafka;
    private HttpServer instance;
    private HealthWatcher watcher;

    @BeforeEach
    void start() throws Exception {
        kafka = broker.kafka();
        instance = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        instance.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("up".getBytes(StandardCharsets.UTF_8));
            exchange.close();
        });
        instance.start();
    }

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        instance.stop(0);
    }

    @Test
    void shouldDeadLetterEachBadHostEventOnceAcrossRestartsAndProbeTheGoodInstanceAfterThem() throws Exception {
        Map<String, Long> poison = new LinkedHashMap<>();
        String hostEvents = Topics.HOST_EVENTS.name();
        poison.put("null value", write(hostEvents, "host-1", null));
        poison.put("truncated JSON", write(hostEvents, "host-1", "{\"type\":\"host.instance.started\",\"even"));
        poison.put("unknown type", write(hostEvents, "host-1", """
                {"type":"host.exploded","eventId":"h-1","schemaVersion":1,"hostId":"host-1","at":"%s"}""".formatted(NOW)));
        poison.put("announced without hostId", write(hostEvents, "host-1", """
                {"type":"host.announced","eventId":"h-2","schemaVersion":1,"driver":"process","at":"%s"}""".formatted(NOW)));
        poison.put("started without health URL", write(hostEvents, "host-1", """
                {"type":"host.instance.started","eventId":"h-3","schemaVersion":1,"hostId":"host-1","commandId":"c-1",\
                "deploymentId":"d-1","service":"web","version":"v1","instance":{"instanceId":"i-0","address":"http://x"},\
                "at":"%s"}""".formatted(NOW)));
        poison.put("a string for a number", write(hostEvents, "host-1", """
                {"type":"host.heartbeat","eventId":"h-4","schemaVersion":1,"hostId":"host-1","executorId":"e",\
                "intervalMs":"1000","at":"%s"}""".formatted(NOW)));
        write(Topics.DEPLOY_EVENTS.name(), "web", null);
        write(Topics.DEPLOY_EVENTS.name(), "web", "{\"type\":\"deployment.started\"");

        watcher = startWatcher();
        started("i-1");

        await().atMost(Duration.ofSeconds(60)).until(() -> probedInstances().contains("i-1"));
        await().atMost(Duration.ofSeconds(60)).until(() -> readToEnd(kafka, Topics.HOST_EVENTS.dlqName()).size() == poison.size());
        assertEachDeadLetteredOnce(poison);

        watcher.close();
        watcher = startWatcher();
        started("i-2");

        await().atMost(Duration.ofSeconds(60)).until(() -> probedInstances().contains("i-2"));
        assertEachDeadLetteredOnce(poison);
        assertEquals(List.of(), readToEnd(kafka, Topics.DEPLOY_EVENTS.dlqName()));
    }

    private void assertEachDeadLetteredOnce(Map<String, Long> poison) {
        List<ConsumerRecord<byte[], byte[]>> letters = readToEnd(kafka, Topics.HOST_EVENTS.dlqName());
        assertEquals(List.copyOf(poison.values()), letters.stream().map(r -> Long.parseLong(header(r, DeadLetters.OFFSET))).toList(),
                "one dead letter per bad record, in order: " + poison.keySet());
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            assertEquals("health-watcher", header(letter, DeadLetters.CONSUMER));
            assertFalse(header(letter, DeadLetters.REASON).isBlank());
        }
    }

    private HealthWatcher startWatcher() {
        return HealthWatcher.start(new HealthWatcherConfig(kafka, 100, Duration.ofMillis(500), "health-watcher-poison"));
    }

    private void started(String instanceId) throws Exception {
        String address = "http://127.0.0.1:" + instance.getAddress().getPort();
        HostEvent.Started started = new HostEvent.Started(UUID.randomUUID().toString(), 1, "host-1",
                UUID.randomUUID().toString(), "d-1", "web", "v1", new Instance(instanceId, address, address + "/health"),
                Instant.now());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.HOST_EVENTS.name(), null, "host-1".getBytes(StandardCharsets.UTF_8),
                    Topics.HOST_EVENTS.valueSerde().serializer().serialize(Topics.HOST_EVENTS.name(), started),
                    CloudEvents.headers(started, "/test", null))).get();
        }
    }

    private List<String> probedInstances() {
        return readToEnd(kafka, Topics.HEALTH_PROBES.name()).stream()
                .map(r -> Topics.HEALTH_PROBES.valueSerde().deserializer().deserialize(r.topic(), r.value()).instanceId())
                .distinct().toList();
    }

    private long write(String topic, String key, String value) throws Exception {
        return RawTopics.write(kafka, topic, key, value);
    }
}
