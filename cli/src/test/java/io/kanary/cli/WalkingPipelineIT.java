package io.kanary.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.audit.AuditReplay;
import io.kanary.audit.AuditReport;
import io.kanary.audit.DeploymentTimeline;
import io.kanary.kafka.Ids;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole loop on the embedded broker with the process driver: a fleet of demo-app v1, a v2
 * failing 30% of its requests that the breach-detector catches and the planner rolls back, and a
 * healthy v3 that succeeds. One stack serves the class (it takes a while to start); each test
 * first brings the fleet to v1 with a rollout of its own and names its deployments itself, so it
 * passes alone and in any order.
 */
class WalkingPipelineIT {
    private static final List<String> HOSTS = List.of("host-1", "host-2", "host-3");
    /**
     * How long a rollout may take. On a loaded 2-core machine one demo-app JVM took 25 s to listen,
     * and v3 starts three of them one after the other; this bounds a hang, not the machine's speed.
     */
    private static final Duration ROLLOUT = Duration.ofMinutes(5);
    /** The demo's policy with a health deadline that a slowly starting JVM does not outlast. */
    private static final Policy POLICY = new Policy(0.10, 2_000L, null, 20, 100L, 5, 2_000L, 150_000L);
    private static final PrintStream OUT = System.out;

    private static KanaryStack stack;
    private static LiveConsole console;
    private static DemoScenario demo;

    /** This test's deployment ids: unique in the stack, so no test sees another's deployments as its own. */
    private String fleetV1;
    private String v2;
    private String v3;

    @BeforeAll
    static void startEverything() throws Exception {
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

    @BeforeEach
    void bringUpTheFleetOnV1() throws Exception {
        String run = Ids.newId().substring(0, 8);
        fleetV1 = "demo-v1-" + run;
        v2 = "demo-v2-" + run;
        v3 = "demo-v3-" + run;
        assertEquals("SUCCEEDED", demo.rollout(fleetV1, "v1", 0.0, HOSTS.size(), POLICY));
    }

    @Test
    void shouldBringUpTheFleetOnV1() {
        Fleet.assertEveryHostAnswers(stack.kafka(), HOSTS, "v1");
    }

    @Test
    void shouldRollTheFailingV2BackByItselfAndEveryHostAnswersAsV1() throws Exception {
        assertEquals("ROLLED_BACK", demo.rollout(v2, "v2", 0.30, 1, POLICY));
        Fleet.assertEveryHostAnswers(stack.kafka(), HOSTS, "v1");

        RolloutClock.Figures figures = await().atMost(ROLLOUT)
                .until(() -> console.clock().figures(v2), f -> f.isPresent()).orElseThrow();
        OUT.printf("FIGURE first failing probe of v2 -> rollback command readable: %d ms%n",
                figures.badProbeToRollbackCommand().toMillis());
        OUT.printf("FIGURE rollback command -> every rolled-back host healthy on v1: %d ms (%d hosts)%n",
                figures.rollbackCommandToAllHealthy().toMillis(), figures.hosts());
    }

    @Test
    void shouldSucceedWithTheHealthyV3() throws Exception {
        assertEquals("SUCCEEDED", demo.rollout(v3, "v3", 0.0, 1, POLICY));
        Fleet.assertEveryHostAnswers(stack.kafka(), HOSTS, "v3");
    }

    @Test
    void shouldReplayACompleteCausalChainForEveryDeployment() throws Exception {
        Instant began = Instant.now();
        assertEquals("ROLLED_BACK", demo.rollout(v2, "v2", 0.30, 1, POLICY));
        assertEquals("SUCCEEDED", demo.rollout(v3, "v3", 0.0, 1, POLICY));

        AuditReport audit = AuditReplay.replay(stack.kafka(), Duration.ofSeconds(30));

        for (String id : List.of(fleetV1, v2, v3)) {
            DeploymentTimeline timeline = audit.deployment(id).orElseThrow(() -> new AssertionError("no timeline for " + id));
            assertTrue(timeline.chainComplete(), () -> id + " has broken links: " + timeline.brokenLinks());
        }
        DeploymentTimeline rolledBack = audit.deployment(v2).orElseThrow();
        Set<String> types = new java.util.HashSet<>(rolledBack.events().stream().map(e -> e.typeName()).toList());
        assertTrue(types.containsAll(Set.of("deploy.requested", "deployment.started", "breach.detected",
                "rollback.requested", "deployment.rolling-back", "host.instance.rolled-back", "deployment.rolled-back")), types.toString());
        OUT.printf("FIGURE v2 and v3 rolled out and audited: %d ms%n", Duration.between(began, Instant.now()).toMillis());
    }
}
