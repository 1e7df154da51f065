package io.kanary.cli.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.RawTopics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The live console (kanary watch, kanary up --demo) shows a bad record as unreadable and goes on. */
class LiveConsolePoisonIT {
    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();

    @Test
    void shouldShowEachBadRecordAsUnreadableAndTheGoodEventAfterThem() throws Exception {
        List<Topic<String, ?>> shown = List.of(Topics.DEPLOY_EVENTS, Topics.HOST_EVENTS, Topics.HEALTH_PROBES,
                Topics.BREACHES, Topics.ROLLBACK_COMMANDS);
        Map<String, Object> kafka = broker.kafka();
        for (Topic<String, ?> topic : shown) {
            RawTopics.write(kafka, topic.name(), null, (byte[]) null);
            RawTopics.write(kafka, topic.name(), "k", "{\"eventId\":");
            RawTopics.write(kafka, topic.name(), "k", "null");
        }
        DeploymentEvent.Started started = new DeploymentEvent.Started("e-1", 1, "web-7", "web", "v7", null, Map.of(),
                RunSpec.process(List.of("web"), Map.of()), Policy.defaults(), List.of(List.of("host-1")), "test",
                Instant.now());
        RawTopics.write(kafka, Topics.DEPLOY_EVENTS.name(), "web",
                Topics.DEPLOY_EVENTS.valueSerde().serializer().serialize(Topics.DEPLOY_EVENTS.name(), started));
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
}
