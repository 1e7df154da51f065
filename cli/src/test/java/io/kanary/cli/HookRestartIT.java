package io.kanary.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.client.PlannerClient;
import io.kanary.cli.demo.DemoScenario;
import io.kanary.cli.demo.EmbeddedAllowList;
import io.kanary.cli.stack.KanaryStack;
import io.kanary.cli.stack.ServiceName;
import io.kanary.cli.stack.StackOptions;
import io.kanary.kafka.Topics;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.PlannerService;
import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.planner.http.auth.Principal;
import io.kanary.planner.http.auth.Role;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Hooks;
import io.kanary.schema.Policy;
import io.kanary.security.RunAllowList;
import io.kanary.security.RunRule;
import io.kanary.testkit.TopicTail;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A pre-deploy hook that ends while the planner is down: the executor reports it on host.events,
 * and the restarted planner, rebuilt from the topics, finds it passed and starts the first batch.
 */
class HookRestartIT {
    private static final List<String> HOSTS = List.of("host-1", "host-2");
    private static final Policy POLICY = new Policy(0.10, 2_000L, null, 20, 100L, 3, 1_000L, 60_000L)
            .withStartupGraceMs(0);
    private static final String TOKEN = "test-operator-token";
    private static final PrintStream OUT = System.out;

    private KanaryStack stack;
    private PlannerService planner;

    @AfterEach
    void stopEverything() {
        if (planner != null) {
            planner.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldStartTheFirstBatchAfterARestartWhenThePreDeployHookPassedWhileThePlannerWasDown() throws Exception {
        stack = KanaryStack.start(StackOptions.processes(null, 0, Files.createTempDirectory("kanary-hook-restart-"),
                EnumSet.of(ServiceName.EXECUTOR, ServiceName.HEALTH_WATCHER), HOSTS, 0, 100), OUT,
                EmbeddedAllowList.of(Map.of()).with(DemoScenario.SERVICE,
                        new RunRule(List.of("/usr/bin/sleep"), List.of(), List.of())));
        PlannerConfig config = PlannerConfig.defaults(stack.kafka()).withHttpPort(0)
                .withAuth(ApiAuth.single(new Principal("tester", Role.OPERATOR), TOKEN)).withAllowList(RunAllowList.ANYTHING);
        planner = PlannerService.start(config);
        PlannerClient api = client();
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("v1/hosts").path("hosts").size() == HOSTS.size());

        DeployRequest request = new DeployRequest(null, 0, "hooked-v1", DemoScenario.SERVICE, "v1",
                DemoScenario.demoApp("v1", 0.0), HOSTS, HOSTS.size(), POLICY, null, null)
                .withHooks(new Hooks(new Hooks.PreDeploy(List.of("/usr/bin/sleep", "10"), 60_000L, null), null));
        api.post("v1/deployments", request);
        JsonNode waiting = await().atMost(Duration.ofSeconds(60)).until(() -> deploymentOrNull(api, "hooked-v1"),
                d -> d != null && d.hasNonNull("hook"));
        assertEquals("pre-deploy hook running on host-1", waiting.path("hook").asText(), waiting.toString());
        assertEquals(0, waiting.path("batch").asInt(), "no batch before the hook passed");

        planner.close();
        planner = null;
        try (TopicTail hostEvents = new TopicTail(stack.kafka(), Topics.HOST_EVENTS.name());
             TopicTail deployEvents = new TopicTail(stack.kafka(), Topics.DEPLOY_EVENTS.name())) {
            HostEvent.HookFinished finished = await().atMost(Duration.ofSeconds(60)).until(
                    () -> hostEvents.values(HostEvent.HookFinished.class).stream()
                            .filter(h -> h.deploymentId().equals("hooked-v1")).findFirst().orElse(null),
                    h -> h != null);
            assertTrue(finished.ok(), finished.toString());
            assertTrue(deployEvents.values(DeploymentEvent.BatchStarted.class).stream()
                    .noneMatch(b -> b.deploymentId().equals("hooked-v1")), "nothing starts while the planner is down");

            planner = PlannerService.start(config);
            PlannerClient restarted = client();
            JsonNode done = await().atMost(Duration.ofSeconds(180)).until(() -> deploymentOrNull(restarted, "hooked-v1"),
                    d -> d != null && List.of("SUCCEEDED", "ROLLED_BACK", "FAILED").contains(d.path("phase").asText()));

            assertEquals("SUCCEEDED", done.path("phase").asText(), done.toString());
            List<HostEvent.HookFinished> reports = hostEvents.values(HostEvent.HookFinished.class).stream()
                    .filter(h -> h.deploymentId().equals("hooked-v1")).toList();
            assertEquals(1, reports.size(), "the hook ran once: " + reports);
        }
    }

    private PlannerClient client() {
        return new PlannerClient("http://127.0.0.1:" + planner.httpPort(), TOKEN);
    }

    private static JsonNode deploymentOrNull(PlannerClient api, String id) {
        try {
            return api.get("v1/deployments/" + id);
        } catch (UserError notYet) {
            return null; // still on its way through deploy.requests
        }
    }
}
