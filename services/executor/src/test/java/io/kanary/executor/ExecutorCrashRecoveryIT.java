package io.kanary.executor;

import static io.kanary.testkit.DemoAppHealth.healthVersion;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.testkit.TopicTail;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.HostEvent.InstanceEvent;
import io.kanary.schema.HostEvent.RolledBack;
import io.kanary.schema.HostEvent.Started;
import io.kanary.schema.HostEvent.Starting;
import io.kanary.schema.HostEvent.Stopped;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RunSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor in a JVM of its own, killed with SIGKILL in the middle of a host action, then
 * started again: real broker, real instance processes, the process table checked as ps would.
 */
class ExecutorCrashRecoveryIT {
    private static final String HOST = "host-1";
    private static final String SERVICE = "shop";
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    private Path logs;
    private Path journal;
    private EmbeddedKafkaBroker broker;
    private Map<String, Object> kafka;
    private KafkaProducer<String, HostCommand> commands;
    private TopicTail hostEvents;
    private final List<Process> executors = new ArrayList<>();

    @BeforeEach
    void start() {
        assumeTrue(InstanceProcesses.available(), "needs Linux's /proc to read the process table");
        logs = dir.resolve("instances");
        journal = logs.resolve(HOST).resolve("journal.json");
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        TopicSetup.createTopics(kafka, 1, (short) 1);
        commands = new KafkaProducer<>(kafka, new StringSerializer(), Topics.HOST_COMMANDS.valueSerde().serializer());
        hostEvents = new TopicTail(kafka, Topics.HOST_EVENTS.name());
    }

    @AfterEach
    void stop() {
        executors.forEach(Process::destroyForcibly);
        if (journal != null) {
            InstanceProcesses.killAll(journal);
        }
        for (AutoCloseable closeable : new AutoCloseable[] {commands, hostEvents, broker}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void shouldFinishADeployWhoseExecutorWasKilledMidwayWithoutStartingItTwice() throws Exception {
        Process first = startExecutor("first");
        String deployV1 = send(deploy("v1", SlowApp.spec("v1", 0)));
        Started v1 = awaitOutcome(deployV1, Started.class, 1);
        assertEquals(List.of(v1.instance().instanceId()), InstanceProcesses.instances(journal));

        String deployV2 = send(deploy("v2", SlowApp.spec("v2", 6_000)));
        // v2's process runs but does not listen yet: the executor is waiting for it.
        await().atMost(WAIT).until(() -> InstanceProcesses.instances(journal).size() == 2);
        assertEquals(List.of(Starting.class),
                await().atMost(WAIT).until(() -> typesCausedBy(deployV2), types -> !types.isEmpty()));
        kill(first);

        startExecutor("second");
        // Its outcome, reported by the new executor, then again when the uncommitted command is read again.
        awaitOutcome(deployV2, Started.class, 2);
        List<InstanceEvent> caused = causedBy(deployV2);
        assertEquals(List.of(Starting.class, Stopped.class, Started.class, Started.class), types(caused));
        assertEquals(v1.instance().instanceId(), ((Stopped) caused.get(1)).instanceId());
        Started v2 = (Started) caused.get(2);
        assertEquals("v2", v2.version());
        assertEquals("v2", healthVersion(v2.instance()));
        assertEquals(List.of(v2.instance().instanceId()), InstanceProcesses.instances(journal),
                "exactly one instance of " + SERVICE + " runs, the new version");
        assertTrue(InstanceProcesses.of(journal).stream().allMatch(p -> p.instanceId().equals(v2.instance().instanceId())),
                "a process of an older instance still runs: " + InstanceProcesses.of(journal));

        // What to roll back to survived the crash.
        String rollback = send(new HostCommand.Rollback(Ids.newId(), KanaryEvent.SCHEMA_VERSION, HOST, "dep-2", SERVICE,
                "v2", "v1", Instant.now()));
        RolledBack back = awaitOutcome(rollback, RolledBack.class, 1);
        assertEquals("v1", back.version());
        assertEquals("v1", healthVersion(back.instance()));
        assertEquals(List.of(back.instance().instanceId()), InstanceProcesses.instances(journal));

        String stop = send(new HostCommand.Stop(Ids.newId(), KanaryEvent.SCHEMA_VERSION, HOST, "dep-3", SERVICE,
                Instant.now()));
        assertEquals("v1", awaitOutcome(stop, Stopped.class, 1).version());
        assertEquals(List.of(), InstanceProcesses.of(journal), "a process of the stopped group (or its child) runs on");
    }

    @Test
    void shouldFinishARollbackWhoseExecutorWasKilledMidwayAndNameTheVersionItWentBackTo() throws Exception {
        Process first = startExecutor("first");
        Started v1 = awaitOutcome(send(deploy("v1", SlowApp.spec("v1", 4_000))), Started.class, 1);
        Started v2 = awaitOutcome(send(deploy("v2", SlowApp.spec("v2", 0))), Started.class, 1);
        assertEquals(List.of(v2.instance().instanceId()), InstanceProcesses.instances(journal));

        String rollback = send(new HostCommand.Rollback(Ids.newId(), KanaryEvent.SCHEMA_VERSION, HOST, "dep-2", SERVICE,
                "v2", "v1", Instant.now()));
        // v2 is stopped and v1 is starting again (it takes seconds to listen) when the executor dies.
        await().atMost(WAIT).until(() -> {
            List<String> running = InstanceProcesses.instances(journal);
            return running.size() == 1 && running.get(0).contains("/v1/");
        });
        assertEquals(List.of(), causedBy(rollback).stream().filter(RolledBack.class::isInstance).toList());
        kill(first);

        startExecutor("second");
        RolledBack back = awaitOutcome(rollback, RolledBack.class, 1);
        assertEquals("v1", back.version());
        assertNotEquals(v1.instance().instanceId(), back.instance().instanceId());
        assertEquals("v1", healthVersion(back.instance()));
        assertEquals(List.of(back.instance().instanceId()), InstanceProcesses.instances(journal));
        assertTrue(causedBy(rollback).stream().anyMatch(e -> e instanceof Stopped s
                && s.instanceId().equals(v2.instance().instanceId())), "v2's stop was not reported");
    }

    @Test
    void shouldAdoptARunningInstanceAndReportOneThatDiedWhileNoExecutorWatched() throws Exception {
        Process first = startExecutor("first");
        Started a = awaitOutcome(send(deploy("v1", SlowApp.spec("v1", 0))), Started.class, 1);
        Started b = awaitOutcome(send(new HostCommand.Deploy(Ids.newId(), KanaryEvent.SCHEMA_VERSION, HOST, "dep-9",
                "cart", "v7", SlowApp.spec("v7", 0), Instant.now())), Started.class, 1);
        long shopPid = leaderOf(a.instance().instanceId());
        kill(first);
        // While no executor runs, the cart instance dies.
        ProcessHandle.of(leaderOf(b.instance().instanceId())).orElseThrow().destroyForcibly();
        await().atMost(WAIT).until(() -> InstanceProcesses.instances(journal).size() == 1);

        startExecutor("second");
        Stopped died = awaitOutcome(b.commandId(), Stopped.class, 1);
        assertEquals("v7", died.version());
        assertEquals(b.instance().instanceId(), died.instanceId());
        assertEquals(shopPid, leaderOf(a.instance().instanceId()), "the running instance was not adopted as it was");
        assertEquals(List.of(Starting.class, Started.class), typesCausedBy(a.commandId()));
        assertEquals("v1", healthVersion(a.instance()));

        // The adopted instance is managed: a stop ends it.
        String stop = send(new HostCommand.Stop(Ids.newId(), KanaryEvent.SCHEMA_VERSION, HOST, "dep-3", SERVICE,
                Instant.now()));
        assertEquals("v1", awaitOutcome(stop, Stopped.class, 1).version());
        assertEquals(List.of(), InstanceProcesses.of(journal));
    }

    private long leaderOf(String instanceId) {
        return InstanceProcesses.of(journal).stream()
                .filter(p -> p.leadsItsGroup() && p.instanceId().equals(instanceId))
                .findFirst()
                .orElseThrow(() -> new AssertionError(instanceId + " does not run"))
                .pid();
    }

    /** Starts an executor JVM serving host-1 and waits until it takes commands. */
    private Process startExecutor(String name) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path out = dir.resolve("executor-" + name + ".log");
        Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ExecutorMain.class.getName(), broker.bootstrapServers(), "crash", HOST, logs.toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        executors.add(process);
        await().atMost(WAIT).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the executor exited: " + Files.readString(out));
            }
            return Files.readString(out).contains("EXECUTOR READY");
        });
        Files.readAllLines(out).stream()
                .filter(l -> l.startsWith("EXECUTOR READY") || l.contains("takes commands"))
                .forEach(l -> System.out.println("executor " + name + ": " + l));
        return process;
    }

    private static void kill(Process executor) throws InterruptedException {
        executor.destroyForcibly();
        executor.waitFor();
    }

    private static HostCommand.Deploy deploy(String version, RunSpec run) {
        return new HostCommand.Deploy(Ids.newId(), KanaryEvent.SCHEMA_VERSION, HOST, "dep-1", SERVICE, version, run,
                Instant.now());
    }

    private String send(HostCommand command) {
        commands.send(CloudEvents.record(Topics.HOST_COMMANDS, HOST, command, "/kanary/test", null));
        commands.flush();
        return command.eventId();
    }

    private <T extends InstanceEvent> T awaitOutcome(String commandId, Class<T> type, int count) {
        List<InstanceEvent> caused = await().atMost(WAIT).until(() -> causedBy(commandId),
                list -> list.stream().filter(type::isInstance).count() >= count);
        return caused.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    private List<InstanceEvent> causedBy(String commandId) {
        List<InstanceEvent> caused = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : hostEvents.poll()) {
            HostEvent event = Topics.HOST_EVENTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
            if (event instanceof InstanceEvent instanceEvent && commandId.equals(instanceEvent.commandId())) {
                caused.add(instanceEvent);
            }
        }
        return caused;
    }

    private List<Class<?>> typesCausedBy(String commandId) {
        return types(causedBy(commandId));
    }

    private static List<Class<?>> types(List<InstanceEvent> events) {
        return events.stream().<Class<?>>map(Object::getClass).toList();
    }
}
