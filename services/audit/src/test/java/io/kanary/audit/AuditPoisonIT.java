package io.kanary.audit;

import static io.kanary.testkit.RawTopics.readToEnd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RollbackCommand;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.RawTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No record stops the audit: on every topic, nulls, garbage, wrong types, unknown types, missing
 * required fields and oversized values are listed as undecodable with the reason; events that are
 * valid but leave every optional field out are rendered; and the audit dead-letters nothing.
 */
class AuditPoisonIT {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final String NOW = "2025-03-01T10:00:00Z";
    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();

    @Test
    void shouldListEveryBadRecordWithItsReasonRenderSparseEventsAndDeadLetterNothing() throws Exception {
        Map<String, String> poison = new LinkedHashMap<>();
        for (Topic<String, ?> topic : Topics.ALL) {
            String name = topic.name();
            poison.put(name + "@" + write(name, null, (String) null), "no value");
            poison.put(name + "@" + write(name, "k", "{\"eventId\":\"x\",\"sche"), "Not a valid");
            poison.put(name + "@" + write(name, "k", "[1, 2, 3]"), "Not a valid");
            poison.put(name + "@" + write(name, "k", "{\"eventId\":\"" + "x".repeat(600 * 1024) + "\"}"),
                    "is larger than");
        }
        poison.put("deploy.events@" + write("deploy.events", "web", """
                {"type":"deployment.rolled-back","eventId":"e-9","schemaVersion":1,"service":"web","hosts":[],\
                "at":"%s"}""".formatted(NOW)), "deployment.rolled-back without deploymentId");
        poison.put("host.events@" + write("host.events", "host-1", """
                {"type":"host.announced","eventId":"h-9","schemaVersion":1,"driver":"process","at":"%s"}""".formatted(NOW)),
                "host.announced without hostId");
        poison.put("health.probes@" + write("health.probes", "web", """
                {"eventId":"p-9","schemaVersion":1,"service":"web","version":"v2","ok":"true","statusCode":200,\
                "latencyMs":1,"probedAt":"%s"}""".formatted(NOW)), "at ok");
        poison.put("host.commands@" + write("host.commands", "host-1", """
                {"type":"host.command.reboot","eventId":"c-9","schemaVersion":1,"hostId":"host-1"}"""), "host.command.reboot");
        // Valid events with every optional field left out.
        send(Topics.DEPLOY_EVENTS, "web", new DeploymentEvent.Started("e-1", 1, "d-1", "web", "v2", null, null, null, null,
                List.of(List.of("host-1")), null, T0));
        send(Topics.DEPLOY_EVENTS, "web", new DeploymentEvent.RollingBack("e-2", 1, "d-1", "web", null, null, null,
                List.of("host-1"), T0.plusSeconds(1)));
        send(Topics.ROLLBACK_COMMANDS, "web", new RollbackCommand("r-1", 1, "d-1", "web", null, null, null, null));
        send(Topics.BREACHES, "web", new Breach("b-1", 1, "d-1", "web", "v2", null, "error_rate", 0.5, 0.1, null, 0, 0, 0,
                null, null));
        send(Topics.HOST_EVENTS, "host-1", new HostEvent.CommandFailed("h-1", 1, "host-1", null, "d-1", "web", null, null,
                T0.plusSeconds(2)));
        send(Topics.DEPLOY_EVENTS, "web", new DeploymentEvent.Failed("e-3", 1, "d-1", "web", null, T0.plusSeconds(3)));

        AuditReport report = AuditReplay.replay(broker.kafka(), Duration.ofSeconds(60));

        Map<String, String> undecodable = report.undecodable().stream().collect(Collectors.toMap(
                u -> u.topic() + "@" + u.offset(), UndecodableRecord::reason, (a, b) -> a, LinkedHashMap::new));
        assertEquals(poison.keySet(), undecodable.keySet());
        poison.forEach((where, reason) -> assertTrue(undecodable.get(where).contains(reason), where + ": " + undecodable.get(where)));
        assertEquals(6, report.eventCount());
        assertEquals(List.of(), report.problems());
        String text = report.render();
        assertTrue(text.contains("d-1"), text);
        assertFalse(report.toJson().isBlank());
        for (Topic<String, ?> topic : Topics.ALL) {
            assertEquals(List.of(), readToEnd(broker.kafka(), topic.dlqName()), topic.dlqName() + " stays empty: the audit dead-letters nothing");
        }
    }

    private <V extends KanaryEvent> void send(Topic<String, V> topic, String key, V event) throws Exception {
        write(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), event));
    }

    private long write(String topic, String key, String value) throws Exception {
        return RawTopics.write(broker.kafka(), topic, key, value);
    }

    private long write(String topic, String key, byte[] value) throws Exception {
        return RawTopics.write(broker.kafka(), topic, key, value);
    }
}
