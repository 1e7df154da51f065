package io.kanary.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RunSpec;
import io.kanary.testkit.BrokerWithTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Streaming on a real broker with health.probes in three partitions: an old deployment and,
 * two hours later, a new one whose probes are on partitions 1 and 2 only, written out of time
 * order, one of them twice, and whose batch completes on a probe it cites. A full replay and a
 * targeted one give the new deployment the same sums; the targeted one reads none of the old
 * deployment's probes.
 */
class AuditStreamIT {
    private static final Instant OLD = Instant.parse("2025-05-01T08:00:00Z");
    private static final Instant NEW = OLD.plus(Duration.ofHours(2));
    private static final RunSpec RUN = RunSpec.process(List.of("shop", "--port", "{port}"), Map.of());
    private static final String ADDRESS = "http://127.0.0.1:41999";
    private static final int OLD_PROBES = 30;
    private static final int NEW_PROBES = 20;

    @RegisterExtension
    static final BrokerWithTopics BROKER = new BrokerWithTopics();
    private static final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    private static int decisions;
    private static ProbeResult citedProbe;

    @BeforeAll
    static void publish() throws Exception {
        try (Admin admin = Admin.create(BROKER.kafka())) {
            admin.createPartitions(Map.of(Topics.HEALTH_PROBES.name(), NewPartitions.increaseTo(3))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        String oldStarted = deployment("d-old", "v1", null, "host-1", OLD);
        for (int i = 0; i < OLD_PROBES; i++) {
            probe(i % 3, new ProbeResult(Ids.newId(), 1, "shop", "v1", "host-1", "i-1", true, 200, 5,
                    OLD.plusSeconds(10 + i), null), oldStarted);
        }
        String newStarted = deployment("d-new", "v2", "v1", "host-2", NEW);
        // Latest first, on partitions 1 and 2 only: order and partition 0 must not matter.
        for (int i = NEW_PROBES - 1; i >= 0; i--) {
            boolean ok = i % 4 != 3; // probes 3, 7, 11, 15 and 19 fail
            ProbeResult p = new ProbeResult(Ids.newId(), 1, "shop", "v2", "host-2", "i-2", ok, ok ? 200 : 503,
                    ok ? 10 : 400, NEW.plusSeconds(10 + i), null);
            probe(1 + i % 2, p, newStarted);
            if (i == 19) {
                probe(2, p, newStarted); // redelivered: the same id again on another partition
            }
            if (i == 12) {
                citedProbe = p;
            }
        }
        var completed = new DeploymentEvent.BatchCompleted(Ids.newId(), 1, "d-new", "shop", 0, List.of("host-2"),
                NEW.plusSeconds(40));
        decision(Topics.DEPLOY_EVENTS, "shop", completed, citedProbe.eventId());
        var succeeded = new DeploymentEvent.Succeeded(Ids.newId(), 1, "d-new", "shop", "v2", NEW.plusSeconds(41));
        decision(Topics.DEPLOY_EVENTS, "shop", succeeded, completed.eventId());
        records.add(records.get(records.size() - 1)); // the final event redelivered
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(BROKER.kafka(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            records.forEach(producer::send);
        }
    }

    @Test
    void shouldReadOnlyTheDeploymentsOwnTimeForItsTimeline() {
        AuditReport report = AuditReplay.replayDeployment(BROKER.kafka(), "d-new", Duration.ofSeconds(60));

        DeploymentTimeline d = report.deployment("d-new").orElseThrow();
        assertEquals(List.of(new ProbeCount("v2", "host-2", 20, 15, 5)), d.probeCounts());
        assertTrue(d.chainComplete(), d.brokenLinks().toString());
        assertEquals(0, report.deployment("d-old").orElseThrow().probeTotal(), "the old deployment's probes are not read");
        assertEquals(decisions + NEW_PROBES, report.eventCount());
    }

    @Test
    void shouldMergeEveryPartitionAndCountARedeliveredEventOnce() {
        AuditReport report = AuditReplay.replay(BROKER.kafka(), Duration.ofSeconds(60));

        DeploymentTimeline d = report.deployment("d-new").orElseThrow();
        assertEquals(List.of(new ProbeCount("v2", "host-2", 20, 15, 5)), d.probeCounts());
        assertEquals(List.of(new VersionEvidence("v2", 20, 5, NEW.plusSeconds(13), 10L, 400L, 0, 0, 0)), d.evidence());
        assertEquals(List.of(new ProbeCount("v1", "host-1", 30, 30, 0)),
                report.deployment("d-old").orElseThrow().probeCounts());
        assertEquals(decisions + OLD_PROBES + NEW_PROBES, report.eventCount());
        assertEquals(1, d.events().stream().filter(e -> e.event() instanceof DeploymentEvent.Succeeded).count());
        assertTrue(d.chainComplete(), d.brokenLinks().toString());
        String text = report.render(new AuditFilter(null, "d-new"));
        assertTrue(text.contains("batch 1/1 completed: host-2 healthy  ← " + Causes.shortId(citedProbe.eventId())
                + " (probe of host-2 v2: HTTP 200 in 10 ms)"), text);
        assertTrue(text.contains("    evidence: v2: 20 probes, 5 failed (first at 10:00:13.000), latency p50 10 ms"
                + " p99 400 ms\n"), text);
    }

    /** request → started → batch → deploy command → host started; returns the host event's id, which the probes cite. */
    private static String deployment(String id, String version, String baseline, String host, Instant at) {
        DeployRequest request = new DeployRequest(Ids.newId(), 1, id, "shop", version, RUN, List.of(host), 1, null,
                "alice", at);
        decision(Topics.DEPLOY_REQUESTS, "shop", request, null);
        var started = new DeploymentEvent.Started(Ids.newId(), 1, id, "shop", version, baseline,
                baseline == null ? Map.of() : Map.of(host, baseline), RUN, null, List.of(List.of(host)), "alice",
                at.plusSeconds(1));
        decision(Topics.DEPLOY_EVENTS, "shop", started, request.eventId());
        var batch = new DeploymentEvent.BatchStarted(Ids.newId(), 1, id, "shop", 0, List.of(host), at.plusSeconds(2));
        decision(Topics.DEPLOY_EVENTS, "shop", batch, started.eventId());
        var deploy = new HostCommand.Deploy(Ids.newId(), 1, host, id, "shop", version, RUN, at.plusSeconds(3));
        decision(Topics.HOST_COMMANDS, host, deploy, batch.eventId());
        var hostStarted = new HostEvent.Started(Ids.newId(), 1, host, deploy.eventId(), id, "shop", version,
                new Instance("i-" + host, ADDRESS, ADDRESS + "/health"), at.plusSeconds(4));
        decision(Topics.HOST_EVENTS, host, hostStarted, deploy.eventId());
        if (baseline == null) {
            var succeeded = new DeploymentEvent.Succeeded(Ids.newId(), 1, id, "shop", version, at.plusSeconds(5));
            decision(Topics.DEPLOY_EVENTS, "shop", succeeded, hostStarted.eventId());
        }
        return hostStarted.eventId();
    }

    private static void decision(Topic<String, ?> topic, String key, KanaryEvent event, String cause) {
        decisions++;
        records.add(record(topic, null, key, event, cause, eventTime(event)));
    }

    private static void probe(int partition, ProbeResult p, String cause) {
        records.add(record(Topics.HEALTH_PROBES, partition, "shop", p, cause, p.probedAt()));
    }

    private static Instant eventTime(KanaryEvent event) {
        if (event instanceof DeployRequest r) {
            return r.requestedAt();
        } else if (event instanceof DeploymentEvent d) {
            return d.at();
        } else if (event instanceof HostCommand c) {
            return c.issuedAt();
        }
        return ((HostEvent) event).at();
    }

    /** The record {@code CloudEvents.record} makes, its {@code ce_time} and its timestamp the event's own time. */
    @SuppressWarnings("unchecked")
    private static ProducerRecord<byte[], byte[]> record(Topic<String, ?> t, Integer partition, String key,
                                                         KanaryEvent event, String cause, Instant time) {
        Topic<String, KanaryEvent> topic = (Topic<String, KanaryEvent>) t;
        ProducerRecord<String, KanaryEvent> record = CloudEvents.record(topic, key, event, "/test", cause);
        record.headers().remove(CloudEvents.TIME);
        record.headers().add(CloudEvents.TIME, time.toString().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(record.topic(), partition, time.toEpochMilli(), key.getBytes(StandardCharsets.UTF_8),
                topic.valueSerde().serializer().serialize(record.topic(), event), record.headers());
    }
}
