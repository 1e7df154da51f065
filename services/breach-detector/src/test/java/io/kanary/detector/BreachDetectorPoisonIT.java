package io.kanary.detector;

import static io.kanary.testkit.RawTopics.header;
import static io.kanary.testkit.RawTopics.readToEnd;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kanary.kafka.DeadLetters;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.RawTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * No record stops the breach-detector: each bad probe and deployment event goes to its DLQ once,
 * signed by the detector, and not again after a restart; the good deployment after them is judged.
 */
class BreachDetectorPoisonIT {
    private static final String NOW = "2025-03-14T09:26:53Z";
    // No start-up grace: the deployment's probes fail from the first, and must be judged at once.
    private static final Policy POLICY = new Policy(0.10, 500L, 10_000L, 5, null, null, null, null).withStartupGraceMs(0);

    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();

    @Test
    void shouldDeadLetterEachBadRecordOnceAcrossARestartAndJudgeTheGoodDeploymentAfterThem(@TempDir Path stateDir)
            throws Exception {
        Map<String, String> poison = new LinkedHashMap<>();
        String probes = Topics.HEALTH_PROBES.name();
        String deployEvents = Topics.DEPLOY_EVENTS.name();
        poison.put("probe: null value", probes + "@" + write(probes, "web", (byte[]) null));
        poison.put("probe: truncated", probes + "@" + write(probes, "web", "{\"eventId\":\"p"));
        poison.put("probe: a string for a boolean", probes + "@" + write(probes, "web", """
                {"eventId":"p-1","schemaVersion":1,"service":"web","version":"v2","hostId":"host-1","ok":"false",\
                "statusCode":503,"latencyMs":3,"probedAt":"%s"}""".formatted(NOW)));
        poison.put("probe: a duplicate key", probes + "@" + write(probes, "web", """
                {"eventId":"p-2","schemaVersion":1,"service":"web","version":"v2","version":"v1","ok":false,\
                "statusCode":503,"latencyMs":3,"probedAt":"%s"}""".formatted(NOW)));
        poison.put("deploy event: null value", deployEvents + "@" + write(deployEvents, "web", (byte[]) null));
        poison.put("deploy event: unknown type", deployEvents + "@" + write(deployEvents, "web", """
                {"type":"deployment.exploded","eventId":"e-1","schemaVersion":1,"deploymentId":"d-0","service":"web",\
                "at":"%s"}""".formatted(NOW)));
        poison.put("deploy event: no deploymentId", deployEvents + "@" + write(deployEvents, "web", """
                {"type":"deployment.succeeded","eventId":"e-2","schemaVersion":1,"service":"web","version":"v2",\
                "at":"%s"}""".formatted(NOW)));
        DetectorConfig config = DetectorConfig.defaults(broker.kafka()).withApplicationId("breach-detector-poison")
                .withStateDir(stateDir);

        try (BreachDetector detector = BreachDetector.start(config)) {
            breachingDeployment("web", "d-1");
            await().atMost(Duration.ofSeconds(90)).until(() -> rolledBack().contains("d-1"));
            await().atMost(Duration.ofSeconds(60)).until(() -> deadLetters().size() == poison.size());
            assertEachDeadLetteredOnce(poison);
        }
        try (BreachDetector detector = BreachDetector.start(config)) {
            breachingDeployment("api", "d-2");
            await().atMost(Duration.ofSeconds(90)).until(() -> rolledBack().contains("d-2"));
            assertEachDeadLetteredOnce(poison);
        }
    }

    private void assertEachDeadLetteredOnce(Map<String, String> poison) {
        List<ConsumerRecord<byte[], byte[]>> letters = deadLetters();
        List<String> origins = letters.stream()
                .map(r -> header(r, DeadLetters.TOPIC) + "@" + header(r, DeadLetters.OFFSET)).toList();
        assertEquals(List.copyOf(poison.values()), origins, "one dead letter per bad record: " + poison.keySet());
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            assertEquals("breach-detector", header(letter, DeadLetters.CONSUMER));
            assertFalse(header(letter, DeadLetters.REASON).isBlank());
        }
    }

    /** A deployment of {@code service} whose new version fails every probe: the detector must roll it back. */
    private void breachingDeployment(String service, String deploymentId) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        DeploymentEvent.Started started = new DeploymentEvent.Started("e-" + deploymentId, KanaryEvent.SCHEMA_VERSION,
                deploymentId, service, "v2", "v1", Map.of("host-1", "v1"), null, POLICY, List.of(List.of("host-1")),
                "test", now);
        write(Topics.DEPLOY_EVENTS.name(), service, Topics.DEPLOY_EVENTS.valueSerde().serializer()
                .serialize(Topics.DEPLOY_EVENTS.name(), started));
        for (int i = 1; i <= 8; i++) {
            ProbeResult probe = new ProbeResult(deploymentId + "-probe-" + i, KanaryEvent.SCHEMA_VERSION, service, "v2",
                    "host-1", "i-1", false, 503, 40, now.plusMillis(600L * (i - 1)), null);
            write(Topics.HEALTH_PROBES.name(), service, Topics.HEALTH_PROBES.valueSerde().serializer()
                    .serialize(Topics.HEALTH_PROBES.name(), probe));
        }
    }

    private List<String> rolledBack() {
        return readToEnd(broker.kafka(), Topics.ROLLBACK_COMMANDS.name()).stream()
                .map(r -> Topics.ROLLBACK_COMMANDS.valueSerde().deserializer().deserialize(r.topic(), r.value()).deploymentId())
                .toList();
    }

    private List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>(readToEnd(broker.kafka(), Topics.HEALTH_PROBES.dlqName()));
        letters.addAll(readToEnd(broker.kafka(), Topics.DEPLOY_EVENTS.dlqName()));
        return letters;
    }

    private long write(String topic, String key, String value) throws Exception {
        return RawTopics.write(broker.kafka(), topic, key, value);
    }

    private long write(String topic, String key, byte[] value) throws Exception {
        return RawTopics.write(broker.kafka(), topic, key, value);
    }
}
