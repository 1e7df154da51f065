package io.kanary.cli.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live console (kanary watch, kanary up --demo) shows a bad record as unreadable and goes on. */
class LiveConsolePoisonIT {
    private EmbeddedKafkaBroker broker;
    private Map<String, Object> kafka;

    @BeforeEach
    void start() {
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        TopicSetup.createTopics(kafka, 1, (short) 1);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void shouldShowEachBadRecordAsUnreadableAndTheGoodEventAfterThem() throws Exception {
        List<Topic<String, ?>> shown = List.of(Topics.DEPLOY_EVENTS, Topics.HOST_EVENTS, Topics.HEALTH_PROBES,
                Topics.BREACHES, Topics.ROLLBACK_COMMANDS);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Topic<String, ?> topic : shown) {
                producer.send(new ProducerRecord<>(topic.name(), null, null)).get();
                producer.send(new ProducerRecord<>(topic.name(), utf8("k"), utf8("{\"eventId\":"))).get();
                producer.send(new ProducerRecord<>(topic.name(), utf8("k"), utf8("null"))).get();
            }
            DeploymentEvent.Started started = new DeploymentEvent.Started("e-1", 1, "web-7", "web", "v7", null, Map.of(),
                    RunSpec.process(List.of("web"), Map.of()), Policy.defaults(), List.of(List.of("host-1")), "test",
                    Instant.now());
            producer.send(new ProducerRecord<>(Topics.DEPLOY_EVENTS.name(), utf8("web"),
                    Topics.DEPLOY_EVENTS.valueSerde().serializer().serialize(Topics.DEPLOY_EVENTS.name(), started))).get();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        try (LiveConsole console = new LiveConsole(kafka, out, true).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> text(bytes).contains("web-7"));
        }

        String text = text(bytes);
        assertEquals(3 * shown.size(), text.lines().filter(l -> l.contains("unreadable record")).count(), text);
        assertFalse(text.contains("could not be shown"), text);
    }

    private static synchronized String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
