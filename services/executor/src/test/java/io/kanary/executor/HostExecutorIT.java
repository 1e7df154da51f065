package io.kanary.executor;

import static io.kanary.executor.DemoApps.demoApp;
import static io.kanary.executor.DemoApps.liveChildren;
import static io.kanary.testkit.DemoAppHealth.healthVersion;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.DeadLetters;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.HostEvent.Announced;
import io.kanary.schema.HostEvent.InstanceEvent;
import io.kanary.schema.HostEvent.RolledBack;
import io.kanary.schema.HostEvent.Started;
import io.kanary.schema.HostEvent.Starting;
import io.kanary.schema.HostEvent.Stopped;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.TopicTail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One executor serving host-1 against a real broker, driving real demo-app processes. Each test
 * has its own broker, executor and instance folder, and builds the history it needs itself.
 */
class HostExecutorIT {
    private static final String HOST = "host-1";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();
    @TempDir
    Path logs;
    private Map<String, Object> kafka;
    private HostExecutor executor;
    private KafkaProducer<String, HostCommand> commands;
    private KafkaProducer<byte[], byte[]> rawCommands;
    private TopicTail hostEvents;
    private TopicTail deadLetters;

    @BeforeEach
    void startExecutor() {
        kafka = broker.kafka();
        commands = new KafkaProducer<>(kafka, new StringSerializer(), Topics.HOST_COMMANDS.valueSerde().serializer());
        rawCommands = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer());
        hostEvents = new TopicTail(kafka, Topics.HOST_EVENTS.name());
        deadLetters = new TopicTail(kafka, Topics.HOST_COMMANDS.dlqName());
        executor = HostExecutor.start(config("it"));
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {executor, commands, rawCommands, hostEvents, deadLetters}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        // Instances outlive their executor by design; the next test starts with none.
        liveChildren().forEach(ProcessHandle::destroyForcibly);
        await().atMost(WAIT).until(() -> liveChildren().isEmpty());
    }

    @Test
    void shouldAnnounceItsHost() {
        Announced announced = await().atMost(WAIT).until(
                () -> hostEvents.values(Announced.class), list -> !list.isEmpty()).get(0);
        assertEquals(HOST, announced.hostId());
        assertEquals("process", announced.driver());
    }

    @Test
    void shouldStartTheDeployedVersionAndReportWhereItListens() throws Exception {
        String deployV1 = send(deploy("v1"));
        Started started = awaitOutcome(deployV1, Started.class, 1);
        assertEquals(List.of(Starting.class, Started.class), typesCausedBy(deployV1));
        assertEquals("v1", started.version());
        assertEquals("dep-1", started.deploymentId());
        assertEquals("shop", started.service());
        assertEquals("v1", healthVersion(started.instance()));
    }

    @Test
    void shouldReportTheRecordedOutcomeOfARepeatedCommandWithoutActingAgain() throws Exception {
        String deployV1 = send(deploy("v1"));
        Instance v1 = awaitOutcome(deployV1, Started.class, 1).instance();
        List<ProcessHandle> before = liveChildren();
        assertEquals(1, before.size());

        send(deploy("v1", deployV1));

        awaitOutcome(deployV1, Started.class, 2);
        List<InstanceEvent> caused = causedBy(deployV1);
        assertEquals(List.of(Starting.class, Started.class, Started.class), typesCausedBy(deployV1));
        assertNotEquals(caused.get(1).eventId(), caused.get(2).eventId(), "a re-published event needs a new id");
        assertEquals(((Started) caused.get(1)).instance(), ((Started) caused.get(2)).instance());
        assertEquals(before, liveChildren());
        assertEquals("v1", healthVersion(v1));
    }

    @Test
    void shouldRollBackToThePreviousVersion() throws Exception {
        Instance v1 = awaitOutcome(send(deploy("v1")), Started.class, 1).instance();
        String deployV2 = send(deploy("v2"));
        Instance v2 = awaitOutcome(deployV2, Started.class, 1).instance();
        assertEquals(List.of(Starting.class, Stopped.class, Started.class), typesCausedBy(deployV2));
        assertEquals(v1.instanceId(), ((Stopped) causedBy(deployV2).get(1)).instanceId());
        assertEquals("v2", healthVersion(v2));

        String rollback = send(rollbackToV1());

        RolledBack rolledBack = awaitOutcome(rollback, RolledBack.class, 1);
        assertEquals(List.of(Stopped.class, RolledBack.class), typesCausedBy(rollback));
        assertEquals(v2.instanceId(), ((Stopped) causedBy(rollback).get(0)).instanceId());
        assertEquals("v1", rolledBack.version());
        assertNotEquals(v1.address(), rolledBack.instance().address());
        assertEquals("v1", healthVersion(rolledBack.instance()));
        assertEquals(1, liveChildren().size());
    }

    @Test
    void shouldDeadLetterGarbageAndHandleTheNextCommand() {
        awaitOutcome(send(deploy("v1")), Started.class, 1);

        rawCommands.send(new ProducerRecord<>(Topics.HOST_COMMANDS.name(), HOST.getBytes(StandardCharsets.UTF_8),
                "{not a command".getBytes(StandardCharsets.UTF_8)));
        String stop = send(stop());

        ConsumerRecord<byte[], byte[]> dead = await().atMost(WAIT).until(deadLetters::poll, list -> !list.isEmpty()).get(0);
        assertEquals("{not a command", new String(dead.value(), StandardCharsets.UTF_8));
        String reason = CloudEvents.header(dead.headers(), DeadLetters.REASON).orElseThrow();
        assertTrue(reason.startsWith("Not a valid HostCommand"), reason);

        Stopped stopped = awaitOutcome(stop, Stopped.class, 1);
        assertEquals("v1", stopped.version());
        assertEquals(List.of(), liveChildren());
    }

    @Test
    void shouldAnswerEveryCommandFromTheRecordAfterARestart() {
        String deployV1 = send(deploy("v1"));
        awaitOutcome(deployV1, Started.class, 1);
        send(deploy("v1", deployV1));
        awaitOutcome(deployV1, Started.class, 2);
        awaitOutcome(send(deploy("v2")), Started.class, 1);
        String rollback = send(rollbackToV1());
        awaitOutcome(rollback, RolledBack.class, 1);
        String stop = send(stop());
        awaitOutcome(stop, Stopped.class, 1);

        executor.close();
        // A new group id reads every command again, as after a restart that lost its offsets.
        executor = HostExecutor.start(config("it-restarted"));

        // Commands of a host are handled in order, so once the last one is answered, all are.
        assertEquals("dep-3", awaitOutcome(stop, Stopped.class, 2).deploymentId());
        // The deploy of v1 is on host.commands twice, so it is answered twice more.
        assertEquals(List.of(Starting.class, Started.class, Started.class, Started.class, Started.class),
                typesCausedBy(deployV1));
        assertEquals(List.of(Stopped.class, RolledBack.class, RolledBack.class), typesCausedBy(rollback));
        assertEquals(List.of(), liveChildren(), "a command that was carried out was acted on again");
        assertEquals(2, hostEvents.values(Announced.class).size());
    }

    private ExecutorConfig config(String executorId) {
        return new ExecutorConfig(kafka, executorId, List.of(HOST), "process", logs, WAIT)
                .withAllowList(io.kanary.security.RunAllowList.ANYTHING);
    }

    private static HostCommand.Deploy deploy(String version) {
        return deploy(version, Ids.newId());
    }

    private static HostCommand.Deploy deploy(String version, String commandId) {
        return new HostCommand.Deploy(commandId, KanaryEvent.SCHEMA_VERSION, HOST, "dep-1", "shop", version,
                demoApp(version), Instant.now());
    }

    private static HostCommand.Rollback rollbackToV1() {
        return new HostCommand.Rollback(Ids.newId(), KanaryEvent.SCHEMA_VERSION, HOST, "dep-2", "shop", "v2", "v1",
                Instant.now());
    }

    private static HostCommand.Stop stop() {
        return new HostCommand.Stop(Ids.newId(), KanaryEvent.SCHEMA_VERSION, HOST, "dep-3", "shop", Instant.now());
    }

    private String send(HostCommand command) {
        commands.send(CloudEvents.record(Topics.HOST_COMMANDS, HOST, command, "/kanary/test", null));
        commands.flush();
        return command.eventId();
    }

    private <T extends InstanceEvent> T awaitOutcome(String commandId, Class<T> type, int count) {
        List<InstanceEvent> caused = await().atMost(WAIT).until(() -> causedBy(commandId),
                list -> list.stream().filter(type::isInstance).count() >= count);
        return caused.stream().filter(type::isInstance).map(type::cast).reduce((first, second) -> second).orElseThrow();
    }

    /** The instance events whose ce_causationid header and commandId field are {@code commandId}. */
    private List<InstanceEvent> causedBy(String commandId) {
        List<InstanceEvent> caused = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : hostEvents.poll()) {
            HostEvent event = Topics.HOST_EVENTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
            if (event instanceof InstanceEvent instanceEvent && commandId.equals(instanceEvent.commandId())) {
                assertEquals(commandId, CloudEvents.header(record, CloudEvents.CAUSATION_ID).orElse(null));
                assertEquals(HOST, new String(record.key(), StandardCharsets.UTF_8));
                caused.add(instanceEvent);
            }
        }
        return caused;
    }

    private List<Class<?>> typesCausedBy(String commandId) {
        return causedBy(commandId).stream().<Class<?>>map(Object::getClass).toList();
    }
}
