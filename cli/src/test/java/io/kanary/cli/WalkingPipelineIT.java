package io.kanary.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.audit.AuditReplay;
import io.kanary.audit.AuditReport;
import io.kanary.audit.DeploymentTimeline;
import io.kanary.cli.demo.DemoScenario;
import io.kanary.cli.demo.LiveConsole;
import io.kanary.cli.demo.RolloutClock;
import io.kanary.cli.stack.Driver;
import io.kanary.cli.stack.KanaryStack;
import io.kanary.cli.stack.ServiceName;
import io.kanary.cli.stack.StackOptions;
import io.kanary.kafka.Json;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.Policy;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole loop on the embedded broker with the process driver: a fleet of demo-app v1, a v2
 * failing 30% of its requests that the breach-detector catches and the planner rolls back, and a
 * healthy v3 that succeeds. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkingPipelineIT {
    private static final List<String> HOSTS = List.of("host-1", "host-2", "host-3");
    /**
     * How long a rollout may take. On a loaded 2-core machine one demo-app JVM took 25 s to listen,
     * and v3 starts three of them one after the other; this bounds a hang, not the machine's speed.
     */
    private static final Duration ROLLOUT = Duration.ofMinutes(5);
    /** The demo's policy with a health deadline that a slowly starting JVM does not outlast. */
    private static final Policy POLICY = new Policy(0.10, 2_000L, null, 20, 100L, 5, 2_000L, 150_000L);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final PrintStream OUT = System.out;

    private static KanaryStack stack;
    private static LiveConsole console;
    private static DemoScenario demo;
    private static Instant began;

    @BeforeAll
    static void startEverything() throws Exception {
        began = Instant.now();
        Path data = Files.createTempDirectory("kanary-e2e-");
        stack = KanaryStack.start(StackOptions.processes(null, 0, data, EnumSet.allOf(ServiceName.class), HOSTS, 0, 200), OUT);
        console = new LiveConsole(stack.kafka(), OUT, true).start();
        demo = new DemoScenario(stack.plannerClient(), HOSTS, Driver.PROCESS, OUT, ROLLOUT);
        demo.awaitHosts();
    }

    @AfterAll
    static void stopEverything() {
        if (console != null) {
            console.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldBringUpTheFleetOnV1() throws Exception {
        assertEquals("SUCCEEDED", demo.rollout("demo-v1", "v1", 0.0, HOSTS.size(), POLICY));
        Fleet.assertEveryHostAnswers(stack.kafka(), HOSTS, "v1");
    }

    @Test
    @Order(2)
    void shouldRollTheFailingV2BackByItselfAndEveryHostAnswersAsV1() throws Exception {
        assertEquals("ROLLED_BACK", demo.rollout("demo-v2", "v2", 0.30, 1, POLICY));
        Fleet.assertEveryHostAnswers(stack.kafka(), HOSTS, "v1");

        RolloutClock.Figures figures = await().atMost(ROLLOUT)
                .until(() -> console.clock().figures("demo-v2"), f -> f.isPresent()).orElseThrow();
        OUT.printf("FIGURE first failing probe of v2 -> rollback command readable: %d ms%n",
                figures.badProbeToRollbackCommand().toMillis());
        OUT.printf("FIGURE rollback command -> every rolled-back host healthy on v1: %d ms (%d hosts)%n",
                figures.rollbackCommandToAllHealthy().toMillis(), figures.hosts());
    }

    @Test
    @Order(3)
    void shouldSucceedWithTheHealthyV3() throws Exception {
        assertEquals("SUCCEEDED", demo.rollout("demo-v3", "v3", 0.0, 1, POLICY));
        Fleet.assertEveryHostAnswers(stack.kafka(), HOSTS, "v3");
    }

    @Test
    @Order(4)
    void shouldReplayACompleteCausalChainForEveryDeployment() {
        AuditReport audit = AuditReplay.replay(stack.kafka(), Duration.ofSeconds(30));
        for (String id : List.of("demo-v1", "demo-v2", "demo-v3")) {
            DeploymentTimeline timeline = audit.deployment(id).orElseThrow(() -> new AssertionError("no timeline for " + id));
            assertTrue(timeline.chainComplete(), () -> id + " has broken links: " + timeline.brokenLinks());
        }
        DeploymentTimeline v2 = audit.deployment("demo-v2").orElseThrow();
        Set<String> types = new java.util.HashSet<>(v2.events().stream().map(e -> e.typeName()).toList());
        assertTrue(types.containsAll(Set.of("deploy.requested", "deployment.started", "breach.detected",
                "rollback.requested", "deployment.rolling-back", "host.instance.rolled-back", "deployment.rolled-back")), types.toString());
        OUT.printf("FIGURE whole run (broker start to audit): %d ms%n", Duration.between(began, Instant.now()).toMillis());
    }
}
