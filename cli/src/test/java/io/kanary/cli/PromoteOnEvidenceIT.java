package io.kanary.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.client.DeployRequests;
import io.kanary.cli.client.PlannerClient;
import io.kanary.cli.demo.DemoScenario;
import io.kanary.cli.stack.Driver;
import io.kanary.cli.stack.KanaryStack;
import io.kanary.cli.stack.ServiceName;
import io.kanary.cli.stack.StackOptions;
import io.kanary.schema.Policy;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Promote on evidence, on the whole stack (embedded broker, executor with the process driver,
 * health-watcher, breach-detector, planner): at one probe a second a version failing 5% of its
 * requests cannot be shown healthy within its evidence wait, so its first batch stops at an
 * inconclusive judgement — PAUSED with the judgement's sentence — and the rollout never succeeds.
 */
class PromoteOnEvidenceIT {
    private static final List<String> HOSTS = List.of("host-1", "host-2");
    /** One probe a second; a host passes its gate after 3 good probes spanning 1 s; a batch has 120 s. */
    private static final Policy LOW_RATE = new Policy(0.10, 2_000L, null, 20, 1_000L, 3, 1_000L, 120_000L);
    private static final Duration OUTCOME = Duration.ofSeconds(180);
    private static final PrintStream OUT = System.out;

    private KanaryStack stack;

    @AfterEach
    void stopEverything() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aSmallRegressionAtLowTrafficStopsAtAnInconclusiveStepAndNeverSucceeds() throws Exception {
        stack = KanaryStack.start(StackOptions.processes(null, 0, Files.createTempDirectory("kanary-evidence-"),
                EnumSet.allOf(ServiceName.class).stream().filter(s -> s != ServiceName.DASHBOARD
                        && s != ServiceName.NOTIFIER).collect(java.util.stream.Collectors.toCollection(
                        () -> EnumSet.noneOf(ServiceName.class))), HOSTS, 0, 1_000), OUT);
        PlannerClient api = stack.plannerClient();
        DemoScenario demo = new DemoScenario(api, HOSTS, Driver.PROCESS, OUT, OUTCOME);
        demo.awaitHosts();
        // The fleet's first version is set up, not under test: its evidence wait is short and passes.
        assertEquals("SUCCEEDED", demo.rollout("evidence-v1", "v1", 0.0, HOSTS.size(),
                LOW_RATE.withEvidenceWait(5_000L, Policy.OnInconclusive.PASS)));

        // 20 s of evidence at 1 probe/s: fewer probes than any verdict needs, healthy or breach.
        Policy waitThenPause = LOW_RATE.withEvidenceWait(20_000L, Policy.OnInconclusive.PAUSE);
        api.post("v1/deployments", DeployRequests.of("evidence-v2", DemoScenario.SERVICE, "v2",
                DemoScenario.demoApp("v2", 0.05), HOSTS, 1, waitThenPause, "test"));

        JsonNode paused = await().atMost(OUTCOME).until(() -> api.get("v1/deployments/evidence-v2"),
                d -> !"ROLLING".equals(d.path("phase").asText()));
        assertEquals("PAUSED", paused.path("phase").asText(), paused.toString());
        assertEquals("breach-detector", paused.path("pausedBy").asText(), paused.toString());
        String reason = paused.path("pauseReason").asText();
        assertTrue(reason.startsWith("batch 1/2 inconclusive: no verdict on batch 1/2 after "), reason);
        assertTrue(reason.contains("healthy log-LR "), reason);
        assertTrue(paused.path("evidence").asText().startsWith("evidence inconclusive: no verdict on batch 1/2"),
                paused.toString());
        assertEquals("waiting", paused.path("hosts").path("host-2").path("state").asText(), paused.toString());

        // Held there: the batch does not complete and no later batch starts, however long it waits.
        await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(60)).until(
                () -> api.get("v1/deployments/evidence-v2"),
                d -> "PAUSED".equals(d.path("phase").asText()) && d.path("batch").asInt() == 1);
    }
}
