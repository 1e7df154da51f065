package io.kanary.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.kanary.audit.AuditReplay;
import io.kanary.audit.AuditReport;
import io.kanary.demo.DemoImages;
import io.kanary.cli.demo.DemoScenario;
import io.kanary.cli.demo.DockerDemo;
import io.kanary.cli.demo.LiveConsole;
import io.kanary.cli.demo.RolloutClock;
import io.kanary.cli.stack.Driver;
import io.kanary.cli.stack.KanaryStack;
import io.kanary.cli.stack.ServiceName;
import io.kanary.cli.stack.StackOptions;
import io.kanary.executor.driver.DockerDriver;
import io.kanary.executor.driver.DockerSettings;
import io.kanary.schema.Instance;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import io.kanary.testkit.DockerEngines;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on the embedded broker with the docker driver and two real Docker engines as
 * host-1 and host-2: a failing v2 across both hosts is breached and rolled back warm (the kept v1
 * containers come back), a v3 that never gets healthy misses its health deadline and is rolled back,
 * and a good version succeeds. Each test runs on its own stack (broker, services, executor) and
 * brings v1 up itself; only the demo images are shared.
 */
class DockerPipelineIT {
    private static final PrintStream OUT = System.out;
    /**
     * v3 is left to the planner's health deadline: no detector test can conclude (an error-rate limit
     * and a margin over the baseline of 100%, a p99 ratio of 1000).
     */
    private static final Policy DEADLINE_ONLY = new Policy(1.0, 60_000L, 10_000L, 20, 200L, 5, 2_000L, 8_000L,
            null, 1_000.0, 1.0);

    private static Map<String, String> engines;
    private static List<String> hosts;
    private KanaryStack stack;
    private LiveConsole console;
    private DemoScenario demo;

    @BeforeAll
    static void buildImages() throws Exception {
        engines = DockerEngines.require(2);
        hosts = engines.keySet().stream().sorted().toList();
        removeDemoContainers();
        DockerDemo.buildImages(engines, DemoImages.DEFAULT_BUSYBOX, OUT);
    }

    @BeforeEach
    void startStack() throws Exception {
        stack = KanaryStack.start(new StackOptions(null, 0, Files.createTempDirectory("kanary-docker-e2e-"),
                EnumSet.allOf(ServiceName.class), List.of(), 0, 200, Driver.DOCKER, engines, true), OUT);
        console = new LiveConsole(stack.kafka(), OUT, true).start();
        demo = new DemoScenario(stack.plannerClient(), hosts, Driver.DOCKER, OUT);
        demo.awaitHosts();
    }

    @AfterEach
    void stopStack() {
        if (console != null) {
            console.close();
        }
        if (stack != null) {
            stack.close();
        }
        // The containers outlive the stack's executor: the next test starts from no demo container at all.
        removeDemoContainers();
    }

    @Test
    void shouldRunV1OnBothHosts() throws Exception {
        runV1OnBothHosts();
        assertChainsComplete("docker-v1");
    }

    @Test
    void shouldBreachV2AcrossBothHostsAndBringTheKeptV1ContainersBack() throws Exception {
        Map<String, Instance> v1Instances = runV1OnBothHosts();
        assertEquals("ROLLED_BACK", demo.rollout("docker-v2", "v2", 0.30, 2));
        Fleet.assertEveryHostAnswers(stack.kafka(), hosts, "v1");
        // Warm: the very containers v1 ran in (same address), not new ones.
        Map<String, Instance> back = Fleet.currentInstances(stack.kafka());
        for (String host : hosts) {
            assertEquals(v1Instances.get(host).address(), back.get(host).address(), host);
        }
        RolloutClock.Figures figures = await().atMost(Duration.ofMinutes(2))
                .until(() -> console.clock().figures("docker-v2"), f -> f.isPresent()).orElseThrow();
        OUT.printf("FIGURE docker, 2 hosts: first failing probe of v2 -> rollback command readable: %d ms%n",
                figures.badProbeToRollbackCommand().toMillis());
        OUT.printf("FIGURE docker, 2 hosts: rollback command -> every host healthy on v1: %d ms (%d hosts)%n",
                figures.rollbackCommandToAllHealthy().toMillis(), figures.hosts());
        assertChainsComplete("docker-v1", "docker-v2");
    }

    @Test
    void shouldRollBackAVersionThatMissesItsHealthDeadline() throws Exception {
        runV1OnBothHosts();
        RunSpec neverHealthy = DemoImages.runSpec(DemoImages.image(DemoImages.REPOSITORY, "v3"));
        assertEquals("ROLLED_BACK", demo.rollout("docker-v3", "v3", neverHealthy, 1, DEADLINE_ONLY));
        String reason = demo.awaitEnd("docker-v3").path("reason").asText();
        assertTrue(reason.contains("not healthy within 8.0s"), reason);
        Fleet.assertEveryHostAnswers(stack.kafka(), hosts, "v1");
        assertChainsComplete("docker-v1", "docker-v3");
    }

    @Test
    void shouldSucceedWithAGoodVersion() throws Exception {
        runV1OnBothHosts();
        // The healthy image under a new version: its env overrides the version the image was built with.
        RunSpec v4 = new RunSpec(DemoImages.image(DemoImages.REPOSITORY, "v1"), List.of(), Map.of("APP_VERSION", "v4"),
                DemoImages.HEALTH_PATH, 2_000L);
        assertEquals("SUCCEEDED", demo.rollout("docker-v4", "v4", v4, 1, DemoScenario.POLICY));
        Fleet.assertEveryHostAnswers(stack.kafka(), hosts, "v4");
        assertChainsComplete("docker-v1", "docker-v4");
    }

    /** v1 rolled out to both hosts at once and answering there; host → its v1 instance. */
    private Map<String, Instance> runV1OnBothHosts() throws Exception {
        assertEquals("SUCCEEDED", demo.rollout("docker-v1", "v1", 0.0, 2));
        Fleet.assertEveryHostAnswers(stack.kafka(), hosts, "v1");
        return Fleet.currentInstances(stack.kafka());
    }

    /** The audit's replay of the topics links every event of each deployment to its cause. */
    private void assertChainsComplete(String... deploymentIds) {
        AuditReport audit = AuditReplay.replay(stack.kafka(), Duration.ofSeconds(30));
        for (String id : deploymentIds) {
            assertTrue(audit.deployment(id).orElseThrow().chainComplete(), () -> id + " " + audit.deployment(id).orElseThrow().brokenLinks());
        }
    }

    private static void removeDemoContainers() {
        DockerSettings settings = DockerSettings.of(engines);
        for (String endpoint : engines.values()) {
            try (DockerClient docker = settings.client(endpoint)) {
                docker.listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of(DockerDriver.LABEL_SERVICE, DemoScenario.SERVICE)).exec()
                        .forEach(c -> docker.removeContainerCmd(c.getId()).withForce(true).exec());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
