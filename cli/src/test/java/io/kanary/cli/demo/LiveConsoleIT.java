package io.kanary.cli.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RunSpec;
import io.kanary.schema.TrafficSample;
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

/**
 * kanary watch's console on a real broker: the history in the order it was written across the
 * topics, one service only when asked, and a progress line per deployment while two roll out at once.
 */
class LiveConsoleIT {
    private static final Instant T0 = Instant.parse("2026-12-02T01:00:00Z");
    private EmbeddedKafkaBroker broker;
    private Map<String, Object> kafka;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

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

    private static DeploymentEvent.Started started(String id, String service, List<List<String>> batches) {
        return new DeploymentEvent.Started("e-" + id, 1, id, service, "v2", "v1", Map.of(), RunSpec.process(List.of(service), Map.of()),
                Policy.defaults(), batches, "test", T0);
    }

    private static DeploymentEvent.BatchStarted batch(String id, String service, int batch, String host) {
        return new DeploymentEvent.BatchStarted("b-" + id + batch, 1, id, service, batch, List.of(host), T0);
    }

    private static HostEvent.Started hostStarted(String host, String id, String service) {
        return new HostEvent.Started("h-" + id + host, 1, host, "c-" + id + host, id, service, "v2",
                new Instance(service + "-" + host, "127.0.0.1:1", "http://127.0.0.1:1/health"), T0);
    }

    /** One record to send: its topic, its event, and its timestamp in seconds after T0. */
    private record Rec(Topic<String, ? extends KanaryEvent> topic, KanaryEvent event, int second) {
    }

    /** Sends the records in the order given, each with its own timestamp. */
    private void send(Rec... records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Rec r : records) {
                @SuppressWarnings("unchecked")
                Topic<String, KanaryEvent> topic = (Topic<String, KanaryEvent>) r.topic();
                byte[] value = topic.valueSerde().serializer().serialize(topic.name(), r.event());
                producer.send(new ProducerRecord<>(topic.name(), null, T0.plusSeconds(r.second()).toEpochMilli(),
                        r.event().subject().getBytes(StandardCharsets.UTF_8), value)).get();
            }
        }
    }

    private synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldShowTheHistoryInRecordOrderAcrossTopicsWithoutHeartbeats() throws Exception {
        // Written deploy.events first, host.events after, but the host event happened in between.
        send(new Rec(Topics.DEPLOY_EVENTS, started("web-7", "web", List.of(List.of("host-1"))), 0),
                new Rec(Topics.DEPLOY_EVENTS, batch("web-7", "web", 0, "host-1"), 2),
                new Rec(Topics.HOST_EVENTS, new HostEvent.Heartbeat("hb-1", 1, "host-1", "executor-1", 5_000, T0), 1),
                new Rec(Topics.HOST_EVENTS, hostStarted("host-1", "web-7", "web"), 1));
        try (LiveConsole console = new LiveConsole(kafka, new PrintStream(bytes, true, StandardCharsets.UTF_8), true, null).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> text().lines().filter(l -> !l.contains(" .. ")).count() >= 3);
        }
        List<String> events = text().lines().filter(l -> !l.contains(" .. ")).toList();
        assertTrue(events.get(0).contains("web-7"), text());
        assertTrue(events.get(1).contains("host-1"), text());
        assertTrue(events.get(2).contains("web-7") && events.get(2).contains("batch 1/1"), text());
        assertFalse(text().contains("heartbeat"), text());
    }

    @Test
    void shouldShowOnlyTheServiceAskedForWithAProgressLinePerDeployment() throws Exception {
        send(new Rec(Topics.DEPLOY_EVENTS, started("web-7", "web", List.of(List.of("host-1"), List.of("host-2"))), 0),
                new Rec(Topics.DEPLOY_EVENTS, started("api-3", "api", List.of(List.of("host-1"))), 1),
                new Rec(Topics.DEPLOY_EVENTS, batch("web-7", "web", 0, "host-1"), 2),
                new Rec(Topics.HOST_EVENTS, hostStarted("host-1", "web-7", "web"), 3),
                new Rec(Topics.HOST_EVENTS, hostStarted("host-1", "api-3", "api"), 4));
        try (LiveConsole console = new LiveConsole(kafka, new PrintStream(bytes, true, StandardCharsets.UTF_8), true, "web").start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> text().contains(" .. web-7 "));
        }
        String text = text();
        assertFalse(text.contains("api"), text);
        String progress = text.lines().filter(l -> l.contains(" .. web-7 ")).findFirst().orElseThrow();
        assertTrue(progress.contains(".. web-7 web v2: batch 1/2, 1/2 hosts on v2 |"), progress);
        assertTrue(progress.endsWith("| host-1 v2  host-2 -"), progress);
    }

    @Test
    void shouldKeepOneProgressLinePerRolloutWhenTwoRunAtOnce() throws Exception {
        send(new Rec(Topics.DEPLOY_EVENTS, started("web-7", "web", List.of(List.of("host-1"))), 0),
                new Rec(Topics.DEPLOY_EVENTS, started("api-3", "api", List.of(List.of("host-1"), List.of("host-2"))), 1),
                new Rec(Topics.DEPLOY_EVENTS, batch("api-3", "api", 0, "host-1"), 2),
                new Rec(Topics.HOST_EVENTS, hostStarted("host-1", "api-3", "api"), 3));
        try (LiveConsole console = new LiveConsole(kafka, new PrintStream(bytes, true, StandardCharsets.UTF_8), true, null).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> text().contains(" .. web-7 ") && text().contains(" .. api-3 "));
        }
        String text = text();
        String api = text.lines().filter(l -> l.contains(" .. api-3 ")).findFirst().orElseThrow();
        String web = text.lines().filter(l -> l.contains(" .. web-7 ")).findFirst().orElseThrow();
        assertTrue(api.contains("api v2: batch 1/2, 1/2 hosts on v2 |") && api.endsWith("| host-1 v2  host-2 -"), api);
        assertTrue(web.contains("web v2: batch 0/1, 0/1 hosts on v2 |") && web.endsWith("| host-1 -"), web);
        assertEquals(text.lines().filter(l -> l.contains(" .. web-7 ")).count(), text.lines().filter(l -> l.contains(" .. api-3 ")).count(),
                text);
    }

    @Test
    void shouldShowAVersionsRealTrafficBesideItsProbes() throws Exception {
        // Ahead of the clock, so the console's 10-second window still holds them however slowly it starts.
        Instant now = Instant.now().plusSeconds(60);
        send(new Rec(Topics.DEPLOY_EVENTS, started("web-7", "web", List.of(List.of("host-1"))), 0),
                new Rec(Topics.HEALTH_PROBES, new ProbeResult("p-1", 1, "web", "v2", "host-1", "web-host-1", true, 200, 12, now,
                        null), 1),
                new Rec(Topics.TRAFFIC_SAMPLES, new TrafficSample("t-1", 1, "web", "v2", "host-1", "web-host-1", "scrape",
                        now.minusSeconds(2), now.minusSeconds(1), 60, 3, List.of()), 2),
                new Rec(Topics.TRAFFIC_SAMPLES, new TrafficSample("t-2", 1, "web", "v2", "host-1", "web-host-1", "scrape",
                        now.minusSeconds(1), now, 40, 2, List.of()), 3));
        try (LiveConsole console = new LiveConsole(kafka, new PrintStream(bytes, true, StandardCharsets.UTF_8), true, null).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> text().contains(" .. web-7 "));
        }
        String progress = text().lines().filter(l -> l.contains(" .. web-7 ")).findFirst().orElseThrow();
        assertTrue(progress.contains("| v2 err 0.0% p99 12 ms (1 probes/10s), traffic err 5.0% (100 requests/10s) |"),
                progress);
    }

    private static Judgement.Progress progress(String id, int second, double healthy) {
        return new Judgement.Progress("jp-" + id + second, 1, id, "web", "v2", 1, 10L * second, 0, 0.0, healthy * 4.0, 4.0,
                healthy, 0.0, 5.0, 0.0, second * 1000L, 120_000, "on " + 10L * second + " probes", T0.plusSeconds(second));
    }

    @Test
    void shouldShowAWaitingBatchsEvidenceAFewTimesUntilItIsJudged() throws Exception {
        send(new Rec(Topics.DEPLOY_EVENTS, started("web-7", "web", List.of(List.of("host-1"), List.of("host-2"))), 0),
                new Rec(Topics.JUDGEMENTS, progress("web-7", 1, 0.02), 1),
                new Rec(Topics.JUDGEMENTS, progress("web-7", 2, 0.04), 2),
                new Rec(Topics.JUDGEMENTS, progress("web-7", 3, 0.06), 3),
                new Rec(Topics.JUDGEMENTS, progress("web-7", 4, 0.08), 4),
                new Rec(Topics.JUDGEMENTS, progress("web-7", 5, 0.10), 5),
                new Rec(Topics.JUDGEMENTS, progress("web-7", 6, 0.62), 6),
                new Rec(Topics.JUDGEMENTS, new Judgement.Healthy("jh-1", 1, "web-7", "web", "v2", 1, 70, 0.0, 12.0,
                        "mSPRT healthy", 4.1, 4.0, "healthy on 70 probes", T0.plusSeconds(7)), 7),
                new Rec(Topics.JUDGEMENTS, progress("web-8", 8, 0.30), 8));
        try (LiveConsole console = new LiveConsole(kafka, new PrintStream(bytes, true, StandardCharsets.UTF_8), true, "web").start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> text().contains("web-8 "));
        }
        List<String> evidence = text().lines().filter(l -> l.contains("web-7 ") && l.contains(" evidence: ")).toList();
        assertEquals(2, evidence.size(), text());
        assertTrue(evidence.get(0).endsWith("web-7      batch 2/2 evidence: healthy 2% | breach 0% | 10 probes | waited 1.0 s of 120.0 s"),
                evidence.get(0));
        assertTrue(evidence.get(1).endsWith("web-7      batch 2/2 evidence: healthy 62% | breach 0% | 60 probes | waited 6.0 s of 120.0 s"),
                evidence.get(1));
        // The planner's deployment.judged says it once; the detector's judgement is not repeated.
        assertFalse(text().contains("judged healthy"), text());
    }

    @Test
    void shouldNotShowEvidenceReadAfterItsDeploymentEnded() throws Exception {
        send(new Rec(Topics.DEPLOY_EVENTS, started("web-7", "web", List.of(List.of("host-1"), List.of("host-2"))), 0),
                new Rec(Topics.DEPLOY_EVENTS, new DeploymentEvent.Succeeded("s-web-7", 1, "web-7", "web", "v2", T0.plusSeconds(1)), 1),
                new Rec(Topics.JUDGEMENTS, progress("web-7", 2, 0.40), 2),
                new Rec(Topics.JUDGEMENTS, progress("api-3", 3, 0.30), 3));
        try (LiveConsole console = new LiveConsole(kafka, new PrintStream(bytes, true, StandardCharsets.UTF_8), true, null).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> text().contains("api-3 "));
        }
        List<String> evidence = text().lines().filter(l -> l.contains(" evidence: ")).toList();
        assertEquals(1, evidence.size(), text());
        assertTrue(evidence.get(0).endsWith("api-3      batch 2 evidence: healthy 30% | breach 0% | 30 probes | waited 3.0 s of 120.0 s"),
                evidence.get(0));
    }
}
