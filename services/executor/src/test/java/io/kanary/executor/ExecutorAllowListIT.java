package io.kanary.executor;

import static io.kanary.executor.DemoApps.demoApp;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.HostEvent.CommandFailed;
import io.kanary.schema.HostEvent.InstanceEvent;
import io.kanary.schema.HostEvent.Started;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RunSpec;
import io.kanary.security.RunAllowList;
import io.kanary.security.RunRule;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.TopicTail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor holds every deploy to its allow-list, whoever wrote it: commands written straight
 * to host.commands (no planner in this test) are refused with host.command.failed, and nothing runs.
 */
class ExecutorAllowListIT {
    private static final String HOST = "host-1";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();
    private HostExecutor executor;
    private KafkaProducer<String, HostCommand> commands;
    private TopicTail hostEvents;

    @BeforeEach
    void start() {
        Map<String, Object> kafka = broker.kafka();
        commands = new KafkaProducer<>(kafka, new StringSerializer(), Topics.HOST_COMMANDS.valueSerde().serializer());
        hostEvents = new TopicTail(kafka, Topics.HOST_EVENTS.name());
        String java = demoApp("v1").command().get(0);
        RunAllowList allowList = RunAllowList.NOTHING.with("shop", new RunRule(List.of(java), List.of(), List.of()));
        executor = HostExecutor.start(new ExecutorConfig(kafka, "allow-it", List.of(HOST), "process", dir.resolve("logs"), WAIT)
                .withAllowList(allowList));
    }

    @AfterEach
    void stop() {
        if (executor != null) {
            executor.close();
        }
        hostEvents.close();
        commands.close();
    }

    @Test
    void shouldRefuseAnExecutableOffTheListWrittenStraightToHostCommands() {
        Path marker = dir.resolve("ran");
        String refused = send(deploy("shop", RunSpec.process(List.of("/bin/sh", "-c", "touch " + marker), Map.of())));
        String otherService = send(deploy("cart", demoApp("v1")));
        String allowed = send(deploy("shop", demoApp("v1")));

        // Commands of a host are answered in order, so once the allowed one started, the others were decided.
        await().atMost(WAIT).until(() -> eventsCausedBy(allowed).stream().anyMatch(Started.class::isInstance));
        List<InstanceEvent> answer = eventsCausedBy(refused);
        assertEquals(1, answer.size(), "only host.command.failed, no host.instance.starting: " + answer);
        CommandFailed failed = (CommandFailed) answer.get(0);
        assertTrue(failed.reason().startsWith("refused by the executor's allow-list: run.command[0]: executable /bin/sh "
                + "is not on the allow-list of service shop"), failed.reason());
        assertFalse(Files.exists(marker), "the refused command ran");
        CommandFailed cart = (CommandFailed) eventsCausedBy(otherService).get(0);
        assertTrue(cart.reason().contains("not on the allow-list of service cart (allowed: nothing)"), cart.reason());
    }

    @Test
    void shouldRefuseALoaderEnvironmentNameEvenForAnAllowedExecutable() {
        RunSpec app = demoApp("v1");
        RunSpec preloaded = new RunSpec(null, app.command(), Map.of("DEMO_VERSION", "v1", "LD_PRELOAD", "/tmp/evil.so"),
                null, null);
        String refused = send(deploy("shop", preloaded));

        List<InstanceEvent> answer = await().atMost(WAIT).until(() -> eventsCausedBy(refused), events -> !events.isEmpty());
        assertEquals(1, answer.size(), answer.toString());
        assertTrue(((CommandFailed) answer.get(0)).reason().contains("run.env.LD_PRELOAD: environment variable LD_PRELOAD"
                + " changes how a program loads and is not allowed for service shop"), answer.toString());
        assertEquals(List.of(), DemoApps.liveChildren(), "nothing may have started");
    }

    private static HostCommand.Deploy deploy(String service, RunSpec run) {
        return new HostCommand.Deploy(Ids.newId(), KanaryEvent.SCHEMA_VERSION, HOST, "dep-" + service, service, "v1", run,
                Instant.now());
    }

    private String send(HostCommand command) {
        commands.send(CloudEvents.record(Topics.HOST_COMMANDS, HOST, command, "/test/not-the-planner", null));
        commands.flush();
        return command.eventId();
    }

    private List<InstanceEvent> eventsCausedBy(String commandId) {
        return hostEvents.values(HostEvent.class).stream()
                .filter(e -> e instanceof InstanceEvent i && commandId.equals(i.commandId()))
                .map(InstanceEvent.class::cast).toList();
    }
}
