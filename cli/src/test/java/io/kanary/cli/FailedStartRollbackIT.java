package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.client.PlannerClient;
import io.kanary.cli.demo.DemoScenario;
import io.kanary.cli.stack.Driver;
import io.kanary.cli.stack.KanaryStack;
import io.kanary.cli.stack.ServiceName;
import io.kanary.cli.stack.StackOptions;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A batch in which every host fails to start the new version rolls back cleanly: those hosts never
 * ran it, so there is nothing to undo, and the deployment ends ROLLED_BACK with the fleet still
 * serving the old version — on the embedded broker with the process driver.
 */
class FailedStartRollbackIT {
    private static final List<String> HOSTS = List.of("host-1", "host-2");
    /** A host passes its gate after 3 good probes spanning 1 s; a batch has 60 s. */
    private static final Policy POLICY = new Policy(0.10, 2_000L, null, 20, 100L, 3, 1_000L, 60_000L);
    private static final PrintStream OUT = System.out;

    private KanaryStack stack;

    @AfterEach
    void stopEverything() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldRollBackCleanlyWhenEveryHostOfABatchFailsToStart() throws Exception {
        stack = KanaryStack.start(StackOptions.processes(null, 0, Files.createTempDirectory("kanary-failed-start-"),
                EnumSet.of(ServiceName.EXECUTOR, ServiceName.HEALTH_WATCHER, ServiceName.PLANNER), HOSTS, 0, 100), OUT);
        PlannerClient api = stack.plannerClient();
        DemoScenario demo = new DemoScenario(api, HOSTS, Driver.PROCESS, OUT);
        demo.awaitHosts();
        assertEquals("SUCCEEDED", demo.rollout("fleet-v1", "v1", 0.0, HOSTS.size(), POLICY));

        // v2's main class does not exist: the JVM exits at once on both hosts of its one batch.
        String java = ProcessHandle.current().info().command().orElse("java");
        RunSpec broken = RunSpec.process(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.kanary.demo.NoSuchMain"), Map.of());
        assertEquals("ROLLED_BACK", demo.rollout("broken-v2", "v2", broken, HOSTS.size(), POLICY));

        JsonNode deployment = api.get("v1/deployments/broken-v2");
        assertTrue(deployment.path("reason").asText().matches("(?s)host-[12] could not run v2: .*"), deployment.toString());
        for (String host : HOSTS) {
            JsonNode view = deployment.path("hosts").path(host);
            assertEquals("failed", view.path("state").asText(), deployment.toString());
            assertTrue(view.path("detail").asText().endsWith("it never ran v2, so nothing to undo"), view.toString());
        }
        // Each host still runs its v1 instance, and it answers as v1.
        PatientFleet.assertEveryHostAnswers(stack.kafka(), HOSTS, "v1");
        for (JsonNode host : api.get("v1/hosts").path("hosts")) {
            assertEquals("v1", host.path("services").get(0).path("version").asText(), host.toString());
        }
    }
}
