package io.kanary.executor;

import static io.kanary.testkit.DemoAppHealth.healthVersion;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.kanary.demo.DemoImages;
import io.kanary.executor.driver.DeployContext;
import io.kanary.executor.driver.DockerSettings;
import io.kanary.executor.driver.DockerDriver;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.HostEvent.Announced;
import io.kanary.schema.HostEvent.InstanceEvent;
import io.kanary.schema.HostEvent.RolledBack;
import io.kanary.schema.HostEvent.Started;
import io.kanary.schema.HostEvent.Stopped;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.DockerEngines;
import io.kanary.testkit.TopicTail;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One executor with the docker driver serving two real Docker engines as two hosts, against a
 * real broker: deploys, a restart that reconciles from the containers' labels, a warm rollback.
 * Each test has its own broker, executor and service; only the demo images are shared.
 */
class DockerHostExecutorIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String REPOSITORY = "kanary-it-" + Ids.newId().substring(0, 8);

    private static final Map<String, String> endpoints = new LinkedHashMap<>();
    private static final Map<String, DockerClient> engines = new LinkedHashMap<>();
    private static List<String> images;

    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();
    private final String service = "shop-" + Ids.newId().substring(0, 8);
    private Map<String, Object> kafka;
    private HostExecutor executor;
    private KafkaProducer<String, HostCommand> commands;
    private TopicTail hostEvents;

    @BeforeAll
    static void buildImages() throws IOException {
        DockerEngines.require(2).entrySet().stream().limit(2).forEach(e -> endpoints.put(e.getKey(), e.getValue()));
        for (Map.Entry<String, String> entry : endpoints.entrySet()) {
            DockerClient docker = DockerEngines.client(entry.getValue());
            engines.put(entry.getKey(), docker);
            images = DemoImages.build(docker, DockerEngines.BUSYBOX, REPOSITORY);
        }
    }

    @AfterAll
    static void removeImages() throws IOException {
        for (DockerClient docker : engines.values()) {
            DemoImages.remove(docker, REPOSITORY);
            docker.close();
        }
    }

    @BeforeEach
    void startExecutor() {
        kafka = broker.kafka();
        commands = new KafkaProducer<>(kafka, new StringSerializer(), Topics.HOST_COMMANDS.valueSerde().serializer());
        hostEvents = new TopicTail(kafka, Topics.HOST_EVENTS.name());
        executor = startExecutor("docker-it");
    }

    @AfterEach
    void stopAndClean() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {executor, commands, hostEvents}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        for (DockerClient docker : engines.values()) {
            DockerEngines.removeContainers(docker, DockerDriver.LABEL_SERVICE, service);
        }
    }

    @Test
    void shouldAnnounceBothHostsWithTheDockerDriver() {
        List<Announced> announced = await().atMost(WAIT).until(() -> hostEvents.values(Announced.class),
                list -> list.size() >= 2);
        assertEquals(List.copyOf(endpoints.keySet()), announced.stream().map(Announced::hostId).toList());
        assertTrue(announced.stream().allMatch(a -> "docker".equals(a.driver())), announced.toString());
    }

    @Test
    void shouldStartTheDeployedVersionOnBothEngines() throws Exception {
        Map<String, String> deployV1 = new HashMap<>();
        endpoints.keySet().forEach(host -> deployV1.put(host, send(deploy(host, "dep-1", "v1", images.get(0)))));
        for (String host : endpoints.keySet()) {
            Started started = awaitOutcome(deployV1.get(host), Started.class, 1);
            assertEquals(host, started.hostId());
            assertEquals("v1", started.version());
            assertEquals("v1", healthVersion(started.instance()));
            List<Container> running = running(host);
            assertEquals(1, running.size());
            assertEquals(deployV1.get(host), running.get(0).getLabels().get(DockerDriver.LABEL_COMMAND));
            assertEquals("dep-1", running.get(0).getLabels().get(DockerDriver.LABEL_DEPLOYMENT));
        }
    }

    @Test
    void shouldReconcileAfterARestartAndNotActOnARepeatedCommand() throws Exception {
        deployV1Everywhere();
        Map<String, String> deployV2 = deployV2Everywhere();
        Map<String, List<String>> before = new HashMap<>();
        for (String host : endpoints.keySet()) {
            before.put(host, containerIds(host));
        }

        executor.close();
        // A new group id reads every command again, as after a restart that lost its offsets.
        executor = startExecutor("docker-it-restarted");

        for (String host : endpoints.keySet()) {
            // Answered again from the record, not carried out again.
            awaitOutcome(deployV2.get(host), Started.class, 2);
            assertEquals(before.get(host), containerIds(host), "a repeated command created a container on " + host);
            List<Container> running = running(host);
            assertEquals(1, running.size(), "one copy runs on " + host);
            assertEquals("v2", running.get(0).getLabels().get(DockerDriver.LABEL_VERSION));
        }
    }

    @Test
    void shouldRollBackWarmOnBothEnginesAfterTheRestart() throws Exception {
        Map<String, String> v1Containers = deployV1Everywhere();
        Map<String, String> deployV2 = deployV2Everywhere();
        executor.close();
        executor = startExecutor("docker-it-restarted");
        for (String host : endpoints.keySet()) {
            awaitOutcome(deployV2.get(host), Started.class, 2);
        }

        Map<String, String> rollback = new HashMap<>();
        for (String host : endpoints.keySet()) {
            List<String> before = containerIds(host);
            rollback.put(host, send(new HostCommand.Rollback(Ids.newId(), KanaryEvent.SCHEMA_VERSION, host, "dep-2",
                    service, "v2", "v1", Instant.now())));
            RolledBack rolledBack = awaitOutcome(rollback.get(host), RolledBack.class, 1);
            assertEquals("v1", rolledBack.version());
            assertEquals("v1", healthVersion(rolledBack.instance()));
            List<Container> running = running(host);
            assertEquals(1, running.size());
            assertEquals(v1Containers.get(host), running.get(0).getId(), "the kept v1 container runs again on " + host);
            assertEquals(before, containerIds(host), "a warm rollback creates no container");
        }
    }

    @Test
    void shouldReportADeployCarriedOutBeforeACrashWithoutStartingItAgain() throws Exception {
        deployV1Everywhere();
        String host = endpoints.keySet().iterator().next();
        HostCommand.Deploy command = deploy(host, "dep-5", "v2", images.get(1));
        executor.close();
        executor = null;
        // The executor carried the command out and died before it could report it.
        try (DockerDriver driver = DockerDriver.connect(host, DockerSettings.of(endpoints), WAIT)) {
            driver.deploy(service, "v2", command.run(), new DeployContext(command.deploymentId(), command.eventId()));
        }
        List<String> before = containerIds(host);

        executor = startExecutor("docker-it-crashed");
        send(command);
        Started started = awaitOutcome(command.eventId(), Started.class, 1);
        assertEquals(List.of(Started.class), causedBy(command.eventId()).stream().map(Object::getClass).toList(),
                "a deploy already carried out was started again");
        assertEquals("v2", started.version());
        // The v2 image fails some of its requests on purpose.
        await().atMost(WAIT).ignoreExceptions().until(() -> "v2".equals(healthVersion(started.instance())));
        assertEquals(before, containerIds(host), "a deploy already carried out created a container");
        List<Container> running = running(host);
        assertEquals(1, running.size());
        assertEquals(command.eventId(), running.get(0).getLabels().get(DockerDriver.LABEL_COMMAND));
    }

    @Test
    void shouldStopAndReportASecondCopyLeftByACrashBetweenStartingTheNewAndStoppingTheOld() throws Exception {
        deployV1Everywhere();
        deployV2Everywhere();
        String host = endpoints.keySet().iterator().next();
        List<Container> before = running(host);
        assertEquals(1, before.size());
        Container old = containers(host).stream()
                .filter(c -> !"running".equals(c.getState()) && "v1".equals(c.getLabels().get(DockerDriver.LABEL_VERSION)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no stopped v1 container is kept on " + host));
        String oldCommand = old.getLabels().get(DockerDriver.LABEL_COMMAND);
        // Only a Stopped reported after the crash below counts.
        long stoppedBefore = causedBy(oldCommand).stream().filter(Stopped.class::isInstance).count();
        executor.close();
        executor = null;
        // As if the executor had died after starting v2 and before stopping v1.
        engines.get(host).startContainerCmd(old.getId()).exec();
        assertEquals(2, running(host).size());

        executor = startExecutor("docker-it-second-copy");
        assertEquals(List.of(before.get(0).getId()), running(host).stream().map(Container::getId).toList(),
                "the newest container runs alone");
        Stopped stopped = awaitOutcome(oldCommand, Stopped.class, (int) stoppedBefore + 1);
        assertEquals("v1", stopped.version());
        assertTrue(stopped.instanceId().endsWith(old.getId().substring(0, 12)), stopped.instanceId());
    }

    /** v1 started on both engines; host → the id of its v1 container. */
    private Map<String, String> deployV1Everywhere() {
        Map<String, String> containers = new HashMap<>();
        Map<String, String> deployV1 = new HashMap<>();
        endpoints.keySet().forEach(host -> deployV1.put(host, send(deploy(host, "dep-1", "v1", images.get(0)))));
        for (String host : endpoints.keySet()) {
            awaitOutcome(deployV1.get(host), Started.class, 1);
            containers.put(host, running(host).get(0).getId());
        }
        return containers;
    }

    /** v2 started and answering on both engines; host → the id of its deploy command. */
    private Map<String, String> deployV2Everywhere() {
        Map<String, String> deployV2 = new HashMap<>();
        endpoints.keySet().forEach(host -> deployV2.put(host, send(deploy(host, "dep-2", "v2", images.get(1)))));
        for (String host : endpoints.keySet()) {
            Started started = awaitOutcome(deployV2.get(host), Started.class, 1);
            assertEquals("v2", started.version());
            await().atMost(WAIT).ignoreExceptions().until(() -> "v2".equals(healthVersion(started.instance())));
        }
        return deployV2;
    }

    private HostExecutor startExecutor(String groupId) {
        return HostExecutor.start(ExecutorConfig.docker(kafka, groupId, endpoints, WAIT)
                .withAllowList(io.kanary.security.RunAllowList.ANYTHING));
    }

    private HostCommand.Deploy deploy(String host, String deploymentId, String version, String image) {
        return new HostCommand.Deploy(Ids.newId(), KanaryEvent.SCHEMA_VERSION, host, deploymentId, service, version,
                DemoImages.runSpec(image), Instant.now());
    }

    private String send(HostCommand command) {
        commands.send(CloudEvents.record(Topics.HOST_COMMANDS, command.hostId(), command, "/kanary/test", null));
        commands.flush();
        return command.eventId();
    }

    private <T extends InstanceEvent> T awaitOutcome(String commandId, Class<T> type, int count) {
        List<InstanceEvent> caused = await().atMost(WAIT).until(() -> causedBy(commandId),
                list -> list.stream().filter(type::isInstance).count() >= count);
        return caused.stream().filter(type::isInstance).map(type::cast).reduce((first, second) -> second).orElseThrow();
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

    private List<Container> containers(String host) {
        return engines.get(host).listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(DockerDriver.LABEL_HOST, host, DockerDriver.LABEL_SERVICE, service)).exec();
    }

    private List<String> containerIds(String host) {
        return containers(host).stream().map(Container::getId).sorted().toList();
    }

    private List<Container> running(String host) {
        return containers(host).stream().filter(c -> "running".equals(c.getState())).toList();
    }
}
