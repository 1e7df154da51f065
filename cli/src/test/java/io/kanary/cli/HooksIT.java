package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.client.DeployRequests;
import io.kanary.cli.demo.DemoScenario;
import io.kanary.cli.demo.EmbeddedAllowList;
import io.kanary.cli.stack.Driver;
import io.kanary.cli.stack.KanaryStack;
import io.kanary.cli.stack.ServiceName;
import io.kanary.cli.stack.StackOptions;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Hooks;
import io.kanary.schema.Policy;
import io.kanary.security.RunRule;
import io.kanary.testkit.TopicTail;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hooks end to end on the embedded broker with the process driver: the executor runs real programs
 * as argv lists, allowed by the stack's allow-list. A pre-deploy command that passes lets the rollout
 * succeed; a smoke test that fails on the first batch rolls back with its exit code and output.
 */
class HooksIT {
    private static final List<String> HOSTS = List.of("host-1", "host-2");
    private static final Policy POLICY = new Policy(0.10, 2_000L, null, 20, 100L, 3, 1_000L, 60_000L)
            .withStartupGraceMs(0);
    private static final PrintStream OUT = System.out;

    private KanaryStack stack;

    @AfterEach
    void stopEverything() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldRunThePreDeployHookBeforeTheFirstBatchAndRollBackOnAFailedSmokeTest() throws Exception {
        Path data = Files.createTempDirectory("kanary-hooks-");
        stack = KanaryStack.start(StackOptions.processes(null, 0, data,
                EnumSet.of(ServiceName.EXECUTOR, ServiceName.HEALTH_WATCHER, ServiceName.PLANNER,
                        ServiceName.BREACH_DETECTOR), HOSTS, 0, 100), OUT,
                EmbeddedAllowList.of(Map.of()).with(DemoScenario.SERVICE,
                        new RunRule(List.of("/usr/bin/true", "/usr/bin/ls"), List.of(), List.of())));
        DemoScenario demo = new DemoScenario(stack.plannerClient(), HOSTS, Driver.PROCESS, OUT);
        demo.awaitHosts();
        assertEquals("SUCCEEDED", demo.rollout("fleet-v1", "v1", 0.0, HOSTS.size(), POLICY));

        JsonNode withBackup = rollout("backup-v2", "v2",
                new Hooks(new Hooks.PreDeploy(List.of("/usr/bin/true"), 30_000L, "host-2"), null));

        assertEquals("SUCCEEDED", withBackup.path("phase").asText(), withBackup.toString());
        try (TopicTail hostEvents = new TopicTail(stack.kafka(), Topics.HOST_EVENTS.name());
             TopicTail deployEvents = new TopicTail(stack.kafka(), Topics.DEPLOY_EVENTS.name())) {
            List<HostEvent.HookFinished> hooks = hostEvents.values(HostEvent.HookFinished.class).stream()
                    .filter(h -> h.deploymentId().equals("backup-v2")).toList();
            assertEquals(1, hooks.size(), hooks.toString());
            assertEquals("host-2", hooks.get(0).hostId());
            assertEquals("pre-deploy", hooks.get(0).hook());
            assertTrue(hooks.get(0).ok(), hooks.toString());

            JsonNode smokeFailed = rollout("smoke-v3", "v3", new Hooks(null,
                    new Hooks.Smoke(List.of("/usr/bin/ls", "/nonexistent-smoke-target"), 30_000L, List.of())));

            assertEquals("ROLLED_BACK", smokeFailed.path("phase").asText(), smokeFailed.toString());
            String reason = smokeFailed.path("reason").asText();
            assertTrue(reason.startsWith("smoke batch 1 hook failed on host-1: "), reason);
            assertTrue(reason.contains("(exit 2); output: "), reason);
            assertTrue(reason.contains("cannot access '/nonexistent-smoke-target': No such file or directory"), reason);
            List<Integer> batches = deployEvents.values(DeploymentEvent.BatchStarted.class).stream()
                    .filter(b -> b.deploymentId().equals("smoke-v3")).map(DeploymentEvent.BatchStarted::batch).toList();
            assertEquals(List.of(0), batches, "batch 2 never starts after batch 1's smoke test failed");
        }
    }

    private JsonNode rollout(String id, String version, Hooks hooks) throws InterruptedException {
        DeployRequest request = DeployRequests.of(id, DemoScenario.SERVICE, version,
                DemoScenario.demoApp(version, 0.0), HOSTS, 1, POLICY, "hooks-it").withHooks(hooks);
        stack.plannerClient().post("v1/deployments", request);
        return new DemoScenario(stack.plannerClient(), HOSTS, Driver.PROCESS, OUT).awaitEnd(id);
    }
}
