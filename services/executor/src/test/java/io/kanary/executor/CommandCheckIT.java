package io.kanary.executor;

import static io.kanary.executor.DemoApps.demoApp;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.testkit.TopicTail;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HealthCheck;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RunSpec;
import io.kanary.security.RunAllowList;
import io.kanary.security.RunRule;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command checks run by a real executor for a real demo-app instance, their probes read from health.probes. */
class CommandCheckIT {
    private static final String HOST = "host-1";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private EmbeddedKafkaBroker broker;
    private Map<String, Object> kafka;
    private KafkaProducer<String, HostCommand> commands;
    private KafkaProducer<String, HostEvent> events;
    private KafkaProducer<String, DeploymentEvent> deployments;
    private TopicTail hostEvents;
    private TopicTail probes;
    private HostExecutor executor;

    @BeforeEach
    void startBroker() {
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        TopicSetup.createTopics(kafka, 1, (short) 1);
        commands = new KafkaProducer<>(kafka, new StringSerializer(), Topics.HOST_COMMANDS.valueSerde().serializer());
        events = new KafkaProducer<>(kafka, new StringSerializer(), Topics.HOST_EVENTS.valueSerde().serializer());
        deployments = new KafkaProducer<>(kafka, new StringSerializer(), Topics.DEPLOY_EVENTS.valueSerde().serializer());
        hostEvents = new TopicTail(kafka, Topics.HOST_EVENTS.name());
        probes = new TopicTail(kafka, Topics.HEALTH_PROBES.name());
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {executor, commands, events, deployments, hostEvents, probes, broker}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void shouldJudgeTheInstanceByTheCommandsExitCodeWithItsPortInTheArgv() throws Exception {
        executor = HostExecutor.start(config(RunAllowList.ANYTHING));
        Path flags = Files.createDirectories(dir.resolve("flags"));
        HealthCheck.Command check = new HealthCheck.Command(
                List.of("/usr/bin/test", "-e", flags.resolve("ready-{port}").toString()), 0, 10_000L);

        HostEvent.Started started = deploy("v1", check);
        int port = URI.create(started.instance().address()).getPort();

        ProbeResult failing = await().atMost(WAIT).until(() -> probesOf("v1").stream().filter(p -> !p.ok()).findFirst(),
                Optional::isPresent).orElseThrow();
        assertEquals("command check exited with 1, expected 0", failing.error());
        assertEquals(HOST, failing.hostId());
        assertEquals(started.instance().instanceId(), failing.instanceId());
        assertEquals(0, failing.statusCode());

        Files.createFile(flags.resolve("ready-" + port));

        ProbeResult passing = await().atMost(WAIT).until(() -> probesOf("v1").stream().filter(ProbeResult::ok).findFirst(),
                Optional::isPresent).orElseThrow();
        assertEquals(null, passing.error());
        assertEquals(started.instance().instanceId(), passing.instanceId());
    }

    @Test
    void shouldPassOnTheExpectedExitCodeOnly() throws Exception {
        executor = HostExecutor.start(config(RunAllowList.ANYTHING));

        deploy("v1", new HealthCheck.Command(List.of("/bin/false"), 1, null));

        await().atMost(WAIT).until(() -> probesOf("v1").size() >= 3);
        assertTrue(probesOf("v1").stream().allMatch(ProbeResult::ok), () -> "a probe failed: " + probesOf("v1"));
    }

    @Test
    void shouldFailEveryProbeOfACheckTheAllowListRefuses() throws Exception {
        // The demo app may run; the check's program may not.
        String javaBinary = demoApp("v1").command().get(0);
        executor = HostExecutor.start(config(RunAllowList.NOTHING.with("shop",
                new RunRule(List.of(javaBinary), List.of(), List.of()))));

        deploy("v1", new HealthCheck.Command(List.of("/bin/true"), 0, null));

        ProbeResult refused = await().atMost(WAIT).until(() -> probesOf("v1").stream().findFirst(),
                Optional::isPresent).orElseThrow();
        assertEquals(false, refused.ok());
        assertTrue(refused.error().startsWith("command check refused by the executor's allow-list: "
                + "check.command[0]: executable /bin/true is not on the allow-list of service shop"), refused.error());
    }

    @Test
    void shouldCheckAnInstanceReportedWithoutItsCheckByItsDeploymentsCommandCheck() throws Exception {
        executor = HostExecutor.start(config(RunAllowList.ANYTHING));
        // As a restarted executor reports an instance from its driver's record: without the check.
        HostEvent.Started started = new HostEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION, HOST, Ids.newId(),
                "dep-late", "shop", "v9", new Instance("host-1/shop/v9/a", "http://127.0.0.1:1", "http://127.0.0.1:1/h"),
                Instant.now());
        events.send(CloudEvents.record(Topics.HOST_EVENTS, HOST, started, "/kanary/test", started.commandId())).get();

        DeploymentEvent.Started deployment = new DeploymentEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION,
                "dep-late", "shop", "v9", null, Map.of(), RunSpec.process(List.of("/usr/bin/shop"), Map.of())
                .withCheck(new HealthCheck.Command(List.of("/bin/false"), 0, null)), Policy.defaults(),
                List.of(List.of(HOST)), "test", Instant.now());
        deployments.send(CloudEvents.record(Topics.DEPLOY_EVENTS, "shop", deployment, "/kanary/test", null)).get();

        ProbeResult failing = await().atMost(WAIT).until(() -> probesOf("v9").stream().findFirst(),
                Optional::isPresent).orElseThrow();
        assertEquals("command check exited with 1, expected 0", failing.error());
        assertEquals("host-1/shop/v9/a", failing.instanceId());
    }

    private ExecutorConfig config(RunAllowList allowList) {
        return new ExecutorConfig(kafka, "checks", List.of(HOST), "process", dir.resolve("instances"), WAIT)
                .withAllowList(allowList);
    }

    private HostEvent.Started deploy(String version, HealthCheck check) {
        HostCommand.Deploy deploy = new HostCommand.Deploy(Ids.newId(), KanaryEvent.SCHEMA_VERSION, HOST, "dep-1",
                "shop", version, demoApp(version).withCheck(check), Instant.now());
        commands.send(CloudEvents.record(Topics.HOST_COMMANDS, HOST, deploy, "/kanary/test", null));
        commands.flush();
        HostEvent.Started started = await().atMost(WAIT).until(() -> hostEvents.values(HostEvent.Started.class).stream()
                .filter(s -> s.commandId().equals(deploy.eventId())).findFirst(), Optional::isPresent)
                .orElseThrow();
        assertEquals(check, started.instance().check(), "the check travels with the started instance");
        return started;
    }

    private List<ProbeResult> probesOf(String version) {
        return probes.poll().stream()
                .map(r -> Topics.HEALTH_PROBES.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                .filter(p -> p.version().equals(version))
                .toList();
    }
}
