package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.schema.Judgement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kanary status} of a batch waiting for evidence: the planner's view (its HTTP API, answered by
 * {@link PlannerDouble}) says it waits, and the evidence so far is read from a real broker's judgements topic.
 */
class StatusEvidenceIT {
    private static final String WAITING = "\"evidence\":\"gates passed; waiting for evidence (the breach-detector's "
            + "judgement, at the latest by 2026-12-02T01:02:00Z)\"";
    private EmbeddedKafkaBroker broker;
    private Map<String, Object> kafka;
    private PlannerDouble planner;

    @BeforeEach
    void start() throws IOException {
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        TopicSetup.createTopics(kafka, 3, (short) 1);
        planner = new PlannerDouble();
    }

    @AfterEach
    void stop() {
        planner.close();
        broker.close();
    }

    private static Judgement.Progress progress(String id, String service, double healthy, long waitedMs, Instant at) {
        return new Judgement.Progress("jp-" + id + waitedMs, 1, id, service, "v2", 1, 41, 0, 0.0, healthy * 4, 4.0, healthy,
                0.1, 5.0, 0.04, waitedMs, 120_000, "on 41 probes", at);
    }

    private void write(Judgement.Progress... records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Judgement.Progress p : records) {
                producer.send(new ProducerRecord<>(Topics.JUDGEMENTS.name(), null, p.judgedAt().toEpochMilli(),
                        p.service().getBytes(StandardCharsets.UTF_8),
                        Topics.JUDGEMENTS.valueSerde().serializer().serialize(Topics.JUDGEMENTS.name(), p))).get();
            }
        }
    }

    private CliRun status(String id) {
        return CliRun.against(planner.url(), "status", id, "--bootstrap-server", broker.bootstrapServers(),
                "--evidence-timeout-s", "30");
    }

    @Test
    void shouldShowTheLatestEvidenceOfTheWaitingBatch() throws Exception {
        Instant now = Instant.now();
        write(progress("web-7", "web", 0.20, 4_000, now.minusSeconds(3)),
                progress("api-3", "api", 0.90, 9_000, now.minusSeconds(2)),
                progress("web-7", "web", 0.62, 6_000, now.minusSeconds(1)));
        planner.on("GET /v1/deployments/web-7", 200, PlannerDouble.view("web-7", "ROLLING", WAITING));
        CliRun run = status("web-7");
        assertEquals(0, run.exit(), run.toString());
        String line = run.out().lines().filter(l -> l.startsWith("  so far  ")).findFirst().orElseThrow(() -> new AssertionError(run));
        assertTrue(line.startsWith("  so far  batch 2/2 evidence: healthy 62% | breach 4% | 41 probes | waited 6.0 s of 120.0 s ("),
                line);
    }

    @Test
    void shouldSayThereIsNoEvidenceYetWhenNoRecentRecordIsThere() throws Exception {
        // Older than the look-back: it says nothing of where the batch stands now.
        write(progress("web-7", "web", 0.50, 4_000, Instant.now().minusSeconds(600)));
        planner.on("GET /v1/deployments/web-7", 200, PlannerDouble.view("web-7", "ROLLING", WAITING));
        CliRun run = status("web-7");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("  so far  no evidence record in the last 30 s on judgements (is the breach-detector running?)\n"),
                run.toString());
    }

    @Test
    void shouldNotReadKafkaForADeploymentThatDoesNotWaitForEvidence() throws Exception {
        write(progress("web-7", "web", 0.50, 4_000, Instant.now()));
        planner.on("GET /v1/deployments/web-7", 200, PlannerDouble.view("web-7", "ROLLING",
                "\"evidence\":\"evidence healthy: batch 2/2 healthy on 77 probes\""));
        CliRun run = status("web-7");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(!run.out().contains("so far"), run.toString());
    }
}
