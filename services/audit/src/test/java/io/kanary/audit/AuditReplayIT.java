package io.kanary.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Json;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.Breach;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import io.kanary.schema.RunSpec;
import io.kanary.testkit.BrokerWithTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hand-built chains on a real broker: one complete rolled-back deployment, one succeeded
 * deployment missing its host command, a host announcement and a record no one can read. They are
 * published in reverse order, so the timeline's order can only come from the events' times.
 */
class AuditReplayIT {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final RunSpec RUN = RunSpec.process(List.of("demo-app", "--port", "{port}"), Map.of());
    private static final String ADDRESS = "http://127.0.0.1:41234";

    @RegisterExtension
    static final BrokerWithTopics BROKER = new BrokerWithTopics();
    private static AuditReport report;
    private static final List<Published> published = new ArrayList<>();
    /** Deployment d-a's events that are not probes, in causal order. */
    private static final List<KanaryEvent> chainA = new ArrayList<>();
    private static HostEvent.Started hostStartedB;
    private static String missingCommandB;

    private record Published(Topic<String, ?> topic, String key, KanaryEvent event, String cause, Instant time) {
    }

    @BeforeAll
    static void publishAndReplay() {
        Map<String, Object> kafka = BROKER.kafka();
        buildRolledBackDeployment();
        buildDeploymentWithMissingCommand();
        add(Topics.HOST_EVENTS, "host-1", new HostEvent.Announced(Ids.newId(), 1, "host-1", "process", T0), null,
                T0.minusSeconds(60));

        List<Published> reversed = new ArrayList<>(published);
        Collections.reverse(reversed);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            reversed.forEach(p -> producer.send(record(p)));
            producer.send(new ProducerRecord<>(Topics.DEPLOY_EVENTS.name(), bytes("checkout"), bytes("oops")));
        }
        report = AuditReplay.replay(kafka, Duration.ofSeconds(30));
    }

    @Test
    void shouldOrderACompleteChainByTimeAndFindItComplete() {
        DeploymentTimeline a = report.deployment("d-a").orElseThrow();
        assertEquals(chainA.stream().map(KanaryEvent::eventId).toList(), a.events().stream().map(AuditEvent::id).toList());
        assertEquals("checkout", a.service());
        assertEquals("rolled-back", a.outcome());
        assertTrue(a.chainComplete(), a.brokenLinks().toString());
        assertEquals(4, a.probeTotal());
        assertEquals(List.of(new ProbeCount("v2", "host-1", 3, 1, 2), new ProbeCount("v1", "host-1", 1, 1, 0)),
                a.probeCounts());
    }

    @Test
    void shouldRenderOneLinePerEventWithOffsetsCausesAndProbeSummary() {
        String text = report.render(new AuditFilter(null, "d-a"));
        assertInOrder(text, List.of(
                "10:00:00.000    +0.000s  deploy.requests",
                "deploy requested: checkout v2 on host-1 in batches of 1 by alice",
                "deployment started: v2 replacing v1 in 1 batch: [host-1]",
                "batch 1/1 started: host-1",
                "host-1 told to deploy v2",
                "host-1 starting v2",
                "host-1 started v2 at " + ADDRESS,
                "BREACH error_rate 31.0% > 10.0% over 10s (62 probes; baseline v1 0.0%)",
                "rollback requested by breach-detector: error rate 31.0% over 10.0%",
                "rolling back host-1 (asked by breach-detector)",
                "host-1 told to roll back v2 → v1",
                "host-1 rolled back to v1 at " + ADDRESS,
                "10:00:01.500    +1.500s  deploy.events",
                "rolled back: host-1 → v1  ← " + Causes.shortId(chainA.get(10).eventId()),
                "probes: v2 on host-1: 3 (1 ok, 2 failed); v1 on host-1: 1 (1 ok, 0 failed)",
                "chain: complete"));
        assertTrue(text.contains("← " + Causes.shortId(decisiveProbeId()) + " (probe of host-1 v2: no answer"), text);
        assertFalse(text.contains("HTTP 200"), "probes are summed, not listed:\n" + text);
    }

    @Test
    void shouldReportAMissingLinkAsASentenceNamingTheEvent() {
        DeploymentTimeline b = report.deployment("d-b").orElseThrow();
        String sentence = "host.instance.started " + Causes.shortId(hostStartedB.eventId()) + " names cause "
                + Causes.shortId(missingCommandB) + " which is not in the topics";
        assertFalse(b.chainComplete());
        assertEquals("succeeded", b.outcome());
        assertEquals(List.of(sentence), b.brokenLinks());
        assertTrue(report.render().contains("chain: broken\n      - " + sentence), report.render());
        assertFalse(report.allChainsComplete());
    }

    @Test
    void shouldFilterByServiceAndByDeployment() {
        String cart = report.render(new AuditFilter("cart", null));
        assertTrue(cart.contains("deployment d-b"), cart);
        assertFalse(cart.contains("deployment d-a"), cart);
        String onlyA = report.render(new AuditFilter(null, "d-a"));
        assertTrue(onlyA.contains("deployment d-a"), onlyA);
        assertFalse(onlyA.contains("deployment d-b"), onlyA);
        assertEquals(List.of("cart", "checkout"), report.services().stream().map(ServiceTimeline::service).toList());
        assertEquals(List.of("d-a"), report.services().get(1).deployments().stream()
                .map(DeploymentTimeline::deploymentId).toList());
    }

    @Test
    void shouldWriteTheSameContentAsJson() throws Exception {
        JsonNode json = Json.mapper().readTree(report.toJson());
        assertEquals(2, json.get("deployments").size());
        JsonNode a = json.get("deployments").get(0);
        assertEquals("d-a", a.get("deploymentId").asText());
        assertTrue(a.get("chainComplete").asBoolean());
        List<String> types = new ArrayList<>();
        a.get("events").forEach(e -> types.add(e.get("type").asText()));
        assertEquals(chainA.stream().map(KanaryEvent::ceType).toList(), types);
        JsonNode last = a.get("events").get(types.size() - 1);
        assertEquals(1500, last.get("sinceStartMs").asLong());
        assertEquals("rolled back: host-1 → v1", last.get("summary").asText());
        assertEquals(chainA.get(10).eventId(), last.get("causationId").asText());
        assertEquals("deployment.rolled-back", last.get("data").get("type").asText());
        assertEquals(3, a.get("probes").get(0).get("probes").asLong());
        assertEquals(1, json.get("deployments").get(1).get("brokenLinks").size());

        JsonNode onlyB = Json.mapper().readTree(report.toJson(new AuditFilter("cart", null)));
        assertEquals(1, onlyB.get("deployments").size());
        assertEquals("d-b", onlyB.get("deployments").get(0).get("deploymentId").asText());
    }

    @Test
    void shouldReportUndecodableRecordsAndHostEventsWithoutFailing() {
        assertEquals(1, report.undecodable().size());
        UndecodableRecord bad = report.undecodable().get(0);
        assertEquals(Topics.DEPLOY_EVENTS.name(), bad.topic());
        assertTrue(bad.reason().startsWith("Not a valid DeploymentEvent"), bad.reason());
        assertTrue(report.render().contains("deploy.events[0]@"), report.render());
        assertEquals(List.of("host.announced"), report.hostEvents().stream().map(AuditEvent::typeName).toList());
        assertEquals(List.of(), report.problems());
        assertEquals(published.size(), report.eventCount());
    }

    /** request → started → batch → command → starting/started → probes → breach → rollback → rolled back. */
    private static void buildRolledBackDeployment() {
        Policy policy = new Policy(0.10, null, null, null, null, null, null, null);
        DeployRequest request = new DeployRequest(Ids.newId(), 1, "d-a", "checkout", "v2", RUN, List.of("host-1"), 1,
                policy, "alice", T0);
        DeploymentEvent.Started started = new DeploymentEvent.Started(Ids.newId(), 1, "d-a", "checkout", "v2", "v1",
                Map.of("host-1", "v1"), RUN, policy, List.of(List.of("host-1")), "alice", at(1));
        DeploymentEvent.BatchStarted batch = new DeploymentEvent.BatchStarted(Ids.newId(), 1, "d-a", "checkout", 0,
                List.of("host-1"), at(2));
        HostCommand.Deploy deploy = new HostCommand.Deploy(Ids.newId(), 1, "host-1", "d-a", "checkout", "v2", RUN, at(3));
        HostEvent.Starting starting = new HostEvent.Starting(Ids.newId(), 1, "host-1", deploy.eventId(), "d-a",
                "checkout", "v2", at(4));
        HostEvent.Started hostStarted = new HostEvent.Started(Ids.newId(), 1, "host-1", deploy.eventId(), "d-a",
                "checkout", "v2", new Instance("i-1", ADDRESS, ADDRESS + "/health"), at(5));
        ProbeResult ok = probe("v2", true, 200, null, at(6));
        ProbeResult failed = probe("v2", false, 500, null, at(7));
        ProbeResult decisive = probe("v2", false, 0, "no answer within 1000 ms", at(8));
        Breach breach = new Breach(Ids.newId(), 1, "d-a", "checkout", "v2", "v1", Breach.ERROR_RATE, 0.31, 0.10, 0.0,
                10_000, 62, 40, at(6), at(9));
        RollbackCommand rollback = new RollbackCommand(Ids.newId(), 1, "d-a", "checkout",
                "error rate 31.0% over 10.0%", breach.eventId(), null, at(10));
        DeploymentEvent.RollingBack rollingBack = new DeploymentEvent.RollingBack(Ids.newId(), 1, "d-a", "checkout",
                rollback.reason(), breach.eventId(), "breach-detector", List.of("host-1"), at(11));
        HostCommand.Rollback hostRollback = new HostCommand.Rollback(Ids.newId(), 1, "host-1", "d-a", "checkout", "v2",
                "v1", at(12));
        HostEvent.RolledBack hostRolledBack = new HostEvent.RolledBack(Ids.newId(), 1, "host-1",
                hostRollback.eventId(), "d-a", "checkout", "v1", new Instance("i-2", ADDRESS, ADDRESS + "/health"),
                at(13));
        ProbeResult v1 = probe("v1", true, 200, null, at(14));
        DeploymentEvent.RolledBack rolledBack = new DeploymentEvent.RolledBack(Ids.newId(), 1, "d-a", "checkout",
                List.of("host-1"), at(15));

        chain(Topics.DEPLOY_REQUESTS, "checkout", request, null);
        chain(Topics.DEPLOY_EVENTS, "checkout", started, request.eventId());
        chain(Topics.DEPLOY_EVENTS, "checkout", batch, started.eventId());
        chain(Topics.HOST_COMMANDS, "host-1", deploy, batch.eventId());
        chain(Topics.HOST_EVENTS, "host-1", starting, deploy.eventId());
        chain(Topics.HOST_EVENTS, "host-1", hostStarted, deploy.eventId());
        add(Topics.HEALTH_PROBES, "checkout", ok, hostStarted.eventId(), ok.probedAt());
        add(Topics.HEALTH_PROBES, "checkout", failed, hostStarted.eventId(), failed.probedAt());
        add(Topics.HEALTH_PROBES, "checkout", decisive, hostStarted.eventId(), decisive.probedAt());
        chain(Topics.BREACHES, "checkout", breach, decisive.eventId());
        chain(Topics.ROLLBACK_COMMANDS, "checkout", rollback, breach.eventId());
        chain(Topics.DEPLOY_EVENTS, "checkout", rollingBack, rollback.eventId());
        chain(Topics.HOST_COMMANDS, "host-1", hostRollback, rollingBack.eventId());
        chain(Topics.HOST_EVENTS, "host-1", hostRolledBack, hostRollback.eventId());
        add(Topics.HEALTH_PROBES, "checkout", v1, hostRolledBack.eventId(), v1.probedAt());
        chain(Topics.DEPLOY_EVENTS, "checkout", rolledBack, hostRolledBack.eventId());
    }

    /** A succeeded deployment whose host command never made it to the topics. */
    private static void buildDeploymentWithMissingCommand() {
        Instant t = T0.plusSeconds(3600);
        DeployRequest request = new DeployRequest(Ids.newId(), 1, "d-b", "cart", "v5", RUN, List.of("host-2"), 1,
                null, "bob", t);
        DeploymentEvent.Started started = new DeploymentEvent.Started(Ids.newId(), 1, "d-b", "cart", "v5", "v4",
                Map.of("host-2", "v4"), RUN, Policy.defaults(), List.of(List.of("host-2")), "bob", t.plusMillis(100));
        DeploymentEvent.BatchStarted batch = new DeploymentEvent.BatchStarted(Ids.newId(), 1, "d-b", "cart", 0,
                List.of("host-2"), t.plusMillis(200));
        missingCommandB = Ids.newId();
        hostStartedB = new HostEvent.Started(Ids.newId(), 1, "host-2", missingCommandB, "d-b", "cart", "v5",
                new Instance("i-5", ADDRESS, ADDRESS + "/health"), t.plusMillis(300));
        DeploymentEvent.BatchCompleted completed = new DeploymentEvent.BatchCompleted(Ids.newId(), 1, "d-b", "cart", 0,
                List.of("host-2"), t.plusMillis(400));
        DeploymentEvent.Succeeded succeeded = new DeploymentEvent.Succeeded(Ids.newId(), 1, "d-b", "cart", "v5",
                t.plusMillis(500));
        add(Topics.DEPLOY_REQUESTS, "cart", request, null, request.requestedAt());
        add(Topics.DEPLOY_EVENTS, "cart", started, request.eventId(), started.at());
        add(Topics.DEPLOY_EVENTS, "cart", batch, started.eventId(), batch.at());
        add(Topics.HOST_EVENTS, "host-2", hostStartedB, missingCommandB, hostStartedB.at());
        add(Topics.DEPLOY_EVENTS, "cart", completed, hostStartedB.eventId(), completed.at());
        add(Topics.DEPLOY_EVENTS, "cart", succeeded, completed.eventId(), succeeded.at());
    }

    private static ProbeResult probe(String version, boolean ok, int status, String error, Instant at) {
        return new ProbeResult(Ids.newId(), 1, "checkout", version, "host-1", "i-1", ok, status, status == 0 ? 1000 : 12,
                at, error);
    }

    private static String decisiveProbeId() {
        return published.stream().filter(p -> p.event() instanceof Breach).findFirst().orElseThrow().cause();
    }

    private static Instant at(int step) {
        return T0.plusMillis(100L * step);
    }

    private static void chain(Topic<String, ?> topic, String key, KanaryEvent event, String cause) {
        chainA.add(event);
        add(topic, key, event, cause, at(chainA.size() - 1 + (int) published.stream()
                .filter(p -> p.event() instanceof ProbeResult).count()));
    }

    private static void add(Topic<String, ?> topic, String key, KanaryEvent event, String cause, Instant time) {
        published.add(new Published(topic, key, event, cause, time));
    }

    /** The record {@code CloudEvents.record} makes, with {@code ce_time} set to the event's own time. */
    @SuppressWarnings("unchecked")
    private static ProducerRecord<byte[], byte[]> record(Published p) {
        Topic<String, KanaryEvent> topic = (Topic<String, KanaryEvent>) p.topic();
        ProducerRecord<String, KanaryEvent> record = CloudEvents.record(topic, p.key(), p.event(), "/test", p.cause());
        record.headers().remove(CloudEvents.TIME);
        record.headers().add(CloudEvents.TIME, bytes(p.time().toString()));
        return new ProducerRecord<>(record.topic(), null, bytes(p.key()),
                topic.valueSerde().serializer().serialize(record.topic(), p.event()), record.headers());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertInOrder(String text, List<String> parts) {
        int from = 0;
        for (String part : parts) {
            int at = text.indexOf(part, from);
            assertTrue(at >= 0, "expected '" + part + "' after position " + from + " in:\n" + text);
            from = at + part.length();
        }
    }
}
