package io.kanary.executor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.testkit.TopicTail;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.schema.HealthCheck;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.HostEvent.HookFinished;
import io.kanary.schema.HostEvent.HookStarted;
import io.kanary.schema.HostEvent.InstanceEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.security.RunAllowList;
import io.kanary.security.RunRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hooks run by a real executor against a real broker, as real processes. */
class HookRunIT {
    private static final String HOST = "host-1";
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** What this executor lets service {@code shop} run: the programs the tests' hooks use, and not /bin/rm. */
    private static final RunAllowList ALLOWED = RunAllowList.NOTHING.with("shop", new RunRule(
            List.of("/bin/mkdir", "/bin/ls", "/usr/bin/seq", "/bin/sleep", DemoApps.demoApp("v1").command().get(0)),
            List.of(), List.of()));
    /** The host where an instance of shop runs, for the hooks that name its port; none ever runs on {@link #HOST}. */
    private static final String HOST_WITH_INSTANCE = "host-2";

    @TempDir
    static Path dir;
    private static EmbeddedKafkaBroker broker;
    private static Map<String, Object> kafka;
    private static HostExecutor executor;
    private static KafkaProducer<String, HostCommand> commands;
    private static TopicTail hostEvents;

    @BeforeAll
    static void startExecutor() {
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        TopicSetup.createTopics(kafka, 1, (short) 1);
        commands = new KafkaProducer<>(kafka, new StringSerializer(), Topics.HOST_COMMANDS.valueSerde().serializer());
        hostEvents = new TopicTail(kafka, Topics.HOST_EVENTS.name());
        executor = HostExecutor.start(new ExecutorConfig(kafka, "hooks", List.of(HOST, HOST_WITH_INSTANCE), "process",
                dir.resolve("instances"), WAIT).withAllowList(ALLOWED));
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {executor, commands, hostEvents, broker}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void shouldRunAHookOnceWhenItsCommandIsDeliveredTwiceAndReportItsOutputTail() throws IOException {
        Path made = dir.resolve("made-once");
        HostCommand.RunHook hook = hook(HOST, List.of("/bin/mkdir", "-v", made.toString()), 30_000);

        send(HOST, hook);
        send(HOST, hook);

        List<InstanceEvent> caused = await().atMost(WAIT).until(() -> causedBy(hook.eventId()),
                events -> events.stream().filter(HookFinished.class::isInstance).count() == 2);
        assertEquals(List.of(HookStarted.class, HookFinished.class, HookFinished.class),
                caused.stream().map(Object::getClass).toList(), "a second run of mkdir would have failed");
        HookFinished first = (HookFinished) caused.get(1);
        assertTrue(first.ok());
        assertEquals(0, first.exitCode());
        assertFalse(first.timedOut());
        assertEquals("/bin/mkdir: created directory '" + made + "'\n", first.outputTail());
        assertNull(first.reason());
        assertEquals("pre-deploy", first.hook());
        assertEquals(first.outputTail(), ((HookFinished) caused.get(2)).outputTail());
        assertTrue(Files.isDirectory(made));
    }

    @Test
    void shouldReportTheExitCodeAndOutputOfAFailingHook() {
        Path missing = dir.resolve("no-such-dir");
        HookFinished finished = finish(hook(HOST, List.of("/bin/ls", missing.toString()), 30_000));

        assertFalse(finished.ok());
        assertEquals(2, finished.exitCode());
        assertFalse(finished.timedOut());
        assertEquals("/bin/ls: cannot access '" + missing + "': No such file or directory\n", finished.outputTail());
        assertEquals("the hook exited with 2, expected 0", finished.reason());
    }

    @Test
    void shouldKeepOnlyTheTailOfALongOutput() {
        HookFinished finished = finish(hook(HOST, List.of("/usr/bin/seq", "1", "200000"), 60_000));

        assertTrue(finished.ok());
        assertEquals(HookRunner.TAIL_BYTES, finished.outputTail().length());
        assertTrue(finished.outputTail().endsWith("199999\n200000\n"), finished.outputTail());
    }

    @Test
    void shouldKillAHookThatOutlivesItsTimeout() {
        HookFinished finished = finish(hook(HOST, List.of("/bin/sleep", "300"), 500));

        assertFalse(finished.ok());
        assertTrue(finished.timedOut());
        assertNull(finished.exitCode());
        assertEquals("the hook ran longer than its timeout of 500 ms and its process group was killed",
                finished.reason());
        assertEquals(List.of(), ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("sleep 300")).toList());
    }

    @Test
    void shouldRefuseAProgramTheAllowListDoesNotNameWithoutRunningIt() {
        Path kept = dir.resolve("kept");
        HostCommand.RunHook hook = hook(HOST, List.of("/bin/rm", "-rf", kept.toString()), 30_000);

        HookFinished finished = finish(hook);

        assertFalse(finished.ok());
        assertNull(finished.exitCode());
        assertTrue(finished.reason().startsWith("refused by the executor's allow-list: command[0]: executable "
                + "/bin/rm is not on the allow-list of service shop"), finished.reason());
        assertEquals(List.of(HookFinished.class), causedBy(hook.eventId()).stream().map(Object::getClass).toList());
    }

    @Test
    void shouldReportAHookCutShortByAKilledExecutorAsFailedInsteadOfRunningItAgain() throws Exception {
        String host = "host-crash";
        Path logs = dir.resolve("crash");
        Process first = startExecutorJvm(host, logs, "first");
        Process second = null;
        try {
            HostCommand.RunHook hook = hook(host, List.of("/bin/sleep", "120"), 300_000);
            send(host, hook);
            await().atMost(WAIT).until(() -> causedBy(hook.eventId()), events -> !events.isEmpty());
            first.destroyForcibly().waitFor();

            second = startExecutorJvm(host, logs, "second");

            List<InstanceEvent> caused = await().atMost(WAIT).until(() -> causedBy(hook.eventId()),
                    events -> events.stream().anyMatch(HookFinished.class::isInstance));
            assertEquals(List.of(HookStarted.class, HookFinished.class),
                    caused.stream().map(Object::getClass).toList());
            HookFinished finished = (HookFinished) caused.get(1);
            assertFalse(finished.ok());
            assertEquals("the executor restarted while the hook ran, so it may have run in part or in full; it is "
                    + "not run twice: check what it did, then deploy again", finished.reason());
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
            // The first run's sleep survives its executor, as instances do; it is this test's to end.
            ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("/bin/sleep 120"))
                    .forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void shouldGiveTheHookThePortOfTheServicesInstanceOnItsHost() {
        HostEvent.Started started = deployShop("v1");
        String port = started.instance().address().substring(started.instance().address().lastIndexOf(':') + 1);
        Path smoke = dir.resolve("smoke-{port}");

        HookFinished finished = finish(hook(HOST_WITH_INSTANCE, List.of("/bin/mkdir", "-v", smoke.toString()), 30_000));

        assertTrue(finished.ok(), finished.reason());
        assertEquals("/bin/mkdir: created directory '" + dir.resolve("smoke-" + port) + "'\n", finished.outputTail());
    }

    @Test
    void shouldRunHttpChecksOfTheInstanceAndFailOnTheFirstThatMisses() {
        HostEvent.Started started = deployShop("v7");
        String health = started.instance().address() + "/health";
        HostCommand.RunHook smoke = new HostCommand.RunHook(Ids.newId(), KanaryEvent.SCHEMA_VERSION, HOST_WITH_INSTANCE,
                "dep-hooks", "shop", "smoke batch 1", List.of(), List.of(
                        new HealthCheck.Http("/health", List.of(200), new HealthCheck.BodyExpectation("/status",
                                TextNode.valueOf("ok")), null),
                        new HealthCheck.Http("/health", List.of(), new HealthCheck.BodyExpectation("/version",
                                TextNode.valueOf("v8")), null)), Map.of(), 20_000, Instant.now());

        HookFinished finished = finish(smoke);

        assertFalse(finished.ok());
        assertNull(finished.exitCode());
        assertEquals("smoke check GET " + health + " failed: body /version was \"v7\", expected \"v8\"",
                finished.reason());
        assertEquals("GET " + health + ": passed\nGET " + health + ": body /version was \"v7\", expected \"v8\"\n",
                finished.outputTail());
    }

    @Test
    void shouldRefuseAHookThatNamesThePortWhenNoInstanceRuns() {
        HookFinished finished = finish(hook(HOST, List.of("/bin/mkdir", dir.resolve("none-{port}").toString()), 30_000));

        assertFalse(finished.ok());
        assertEquals("the hook's command names {port}, but no instance of shop runs on host-1 to take the port from",
                finished.reason());
        assertFalse(Files.exists(dir.resolve("none-{port}")));
    }

    /** Deploys {@code version} of shop on {@link #HOST_WITH_INSTANCE} and returns its started event. */
    private static HostEvent.Started deployShop(String version) {
        HostCommand.Deploy deploy = new HostCommand.Deploy(Ids.newId(), KanaryEvent.SCHEMA_VERSION, HOST_WITH_INSTANCE,
                "dep-hooks", "shop", version, DemoApps.demoApp(version), Instant.now());
        send(HOST_WITH_INSTANCE, deploy);
        return (HostEvent.Started) await().atMost(WAIT).until(() -> causedBy(deploy.eventId()).stream()
                .filter(HostEvent.Started.class::isInstance).findFirst(), Optional::isPresent).orElseThrow();
    }

    private static HostCommand.RunHook hook(String host, List<String> argv, long timeoutMs) {
        return new HostCommand.RunHook(Ids.newId(), KanaryEvent.SCHEMA_VERSION, host, "dep-hooks", "shop", "pre-deploy",
                argv, List.of(), Map.of(), timeoutMs, Instant.now());
    }

    private static HookFinished finish(HostCommand.RunHook hook) {
        send(hook.hostId(), hook);
        return await().atMost(WAIT).until(() -> causedBy(hook.eventId()).stream()
                .filter(HookFinished.class::isInstance).map(HookFinished.class::cast).findFirst(),
                Optional::isPresent).orElseThrow();
    }

    private static void send(String host, HostCommand command) {
        commands.send(CloudEvents.record(Topics.HOST_COMMANDS, host, command, "/kanary/test", null));
        commands.flush();
    }

    private static List<InstanceEvent> causedBy(String commandId) {
        List<InstanceEvent> caused = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : hostEvents.poll()) {
            HostEvent event = Topics.HOST_EVENTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
            if (event instanceof InstanceEvent instanceEvent && commandId.equals(instanceEvent.commandId())) {
                assertEquals(commandId, CloudEvents.header(record, CloudEvents.CAUSATION_ID).orElse(null));
                caused.add(instanceEvent);
            }
        }
        return caused;
    }

    /** An executor JVM of its own serving {@code host} (allow-list: anything), once it takes commands. */
    private static Process startExecutorJvm(String host, Path logs, String name) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path out = dir.resolve("executor-" + name + ".log");
        Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ExecutorMain.class.getName(), broker.bootstrapServers(), "hook-crash", host, logs.toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        await().atMost(WAIT).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the executor exited: " + Files.readString(out));
            }
            return Files.readString(out).contains("EXECUTOR READY");
        });
        return process;
    }
}
