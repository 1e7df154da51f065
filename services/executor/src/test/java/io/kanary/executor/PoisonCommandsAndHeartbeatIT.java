package io.kanary.executor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.security.RunAllowList;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.TopicTail;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.DeadLetters;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.KanaryEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Bad host.commands records against a real broker: each dead-lettered once, and the executor's heartbeat. */
class PoisonCommandsAndHeartbeatIT {
    private static final String HOST = "host-1";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path logs;
    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();
    private Map<String, Object> kafka;
    private KafkaProducer<byte[], byte[]> raw;
    private HostExecutor executor;

    @BeforeEach
    void startBroker() {
        kafka = broker.kafka();
        raw = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void stopAll() {
        if (executor != null) {
            executor.close();
        }
        raw.close();
    }

    @Test
    void shouldDeadLetterEachBadCommandOnceEvenWhenReadAgainAfterARestart() throws Exception {
        ExecutorConfig config = new ExecutorConfig(kafka, "poison", List.of(HOST), "process", logs, WAIT)
                .withAllowList(RunAllowList.ANYTHING);
        executor = HostExecutor.start(config);
        sendRaw(HOST, null);
        sendRaw(HOST, "{not json");
        sendRaw(HOST, "{\"type\":\"host.instance.started\",\"eventId\":\"e-1\",\"schemaVersion\":1,\"hostId\":\"host-1\"}");
        sendRaw(HOST, "{\"type\":\"host.command.deploy\",\"eventId\":\"e-2\",\"schemaVersion\":1,\"hostId\":\"host-1\","
                + "\"deploymentId\":\"d-1\",\"service\":\"shop\",\"run\":{\"command\":[\"true\"]},"
                + "\"issuedAt\":\"2026-01-01T00:00:00Z\"}");
        sendRaw(null, "{}");
        String stop = Ids.newId();
        try (KafkaProducer<String, HostCommand> commands =
                     new KafkaProducer<>(kafka, new StringSerializer(), Topics.HOST_COMMANDS.valueSerde().serializer())) {
            commands.send(CloudEvents.record(Topics.HOST_COMMANDS, HOST, new HostCommand.Stop(stop,
                    KanaryEvent.SCHEMA_VERSION, HOST, "d-1", "shop", Instant.now()), "/kanary/test", null)).get();
        }
        try (TopicTail events = new TopicTail(kafka, Topics.HOST_EVENTS.name());
             TopicTail dlq = new TopicTail(kafka, Topics.HOST_COMMANDS.dlqName())) {
            await().atMost(WAIT).until(() -> stoppedBy(events, stop), n -> n == 1);
            List<ConsumerRecord<byte[], byte[]>> dead = await().atMost(WAIT).until(dlq::poll, list -> list.size() == 5);
            List<String> reasons = dead.stream()
                    .map(r -> CloudEvents.header(r.headers(), DeadLetters.REASON).orElseThrow())
                    .toList();
            assertEquals("the record has no value", reasons.get(0));
            assertTrue(reasons.get(1).startsWith("Not a valid HostCommand"), reasons.get(1));
            assertTrue(reasons.get(2).startsWith("Not a valid HostCommand"), reasons.get(2));
            assertEquals("the deploy command has no version", reasons.get(3));
            assertEquals("the record has no key; host.commands is keyed by host id", reasons.get(4));
            for (ConsumerRecord<byte[], byte[]> record : dead) {
                assertEquals("kanary-executor-poison",
                        CloudEvents.header(record.headers(), RefusedCommands.CONSUMER).orElseThrow());
                assertEquals("host.commands", CloudEvents.header(record.headers(), DeadLetters.TOPIC).orElseThrow());
            }

            // As if the executor died before committing: its group reads every record again.
            executor.close();
            executor = null;
            try (Admin admin = Admin.create(kafka)) {
                // A static member stays in its group when it closes; the group must be empty to rewind it.
                admin.removeMembersFromConsumerGroup(config.groupId(), new RemoveMembersFromConsumerGroupOptions(
                        List.of(new MemberToRemove(config.groupId())))).all().get();
                admin.alterConsumerGroupOffsets(config.groupId(),
                        Map.of(new TopicPartition(Topics.HOST_COMMANDS.name(), 0), new OffsetAndMetadata(0))).all().get();
            }
            executor = HostExecutor.start(config);
            // The stop is the last record: once it is answered again, every record before it was read again.
            await().atMost(WAIT).until(() -> stoppedBy(events, stop), n -> n == 2);
            assertEquals(5, dlq.poll().size(), "a record was dead-lettered a second time");
        }
    }

    @Test
    void shouldBeatForEachHostWithANewIdAtEveryStart() {
        ExecutorConfig config = new ExecutorConfig(kafka, "beat", List.of("host-1", "host-2"), "process", logs, WAIT)
                .withHeartbeatInterval(Duration.ofMillis(200)).withAllowList(RunAllowList.ANYTHING);
        executor = HostExecutor.start(config);
        String first = executor.incarnationId();
        try (TopicTail events = new TopicTail(kafka, Topics.HOST_EVENTS.name())) {
            await().atMost(WAIT).until(() -> beats(events, "host-2", first).size(), n -> n >= 3);
            HostEvent.Heartbeat beat = beats(events, "host-1", first).get(0);
            assertEquals(200, beat.intervalMs());
            assertTrue(first.startsWith("beat-"), first);

            executor.close();
            executor = HostExecutor.start(config);
            String second = executor.incarnationId();
            assertNotEquals(first, second);
            await().atMost(WAIT).until(() -> beats(events, "host-1", second).size(), n -> n >= 1);
        }
    }

    private static List<HostEvent.Heartbeat> beats(TopicTail events, String hostId, String executorId) {
        return events.values(HostEvent.Heartbeat.class).stream()
                .filter(b -> b.hostId().equals(hostId) && b.executorId().equals(executorId))
                .toList();
    }

    private static long stoppedBy(TopicTail events, String commandId) {
        return events.values(HostEvent.Stopped.class).stream().filter(s -> commandId.equals(s.commandId())).count();
    }

    private void sendRaw(String key, String value) throws Exception {
        raw.send(new ProducerRecord<>(Topics.HOST_COMMANDS.name(),
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8))).get();
    }
}
