package io.kanary.cli.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.audit.Summaries;
import io.kanary.cli.client.DeployRequests;
import io.kanary.cli.client.PlannerClient;
import io.kanary.cli.demo.DemoScenario;
import io.kanary.cli.stack.Driver;
import io.kanary.cli.stack.KanaryStack;
import io.kanary.cli.stack.ServiceName;
import io.kanary.cli.stack.StackOptions;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Policy;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in a real headless Chromium, on a whole stack (embedded broker, every service, the
 * process driver): the page shows a breached rollout's rollback and its reason within seconds of the
 * event, and its buttons change a deployment through the planner's API with the user's token, and
 * only with a token the API accepts.
 */
class DashboardBrowserIT {
    private static final List<String> HOSTS = List.of("host-1", "host-2", "host-3");
    /** How long a rollout may take on a loaded 2-core machine (a demo-app JVM took 25 s to listen there); bounds a hang. */
    private static final Duration ROLLOUT = Duration.ofMinutes(5);
    /** From the event on its topic to the page showing it: the feed polls every 0.2 s, the page is pushed every 0.5 s. */
    private static final Duration ON_THE_PAGE = Duration.ofSeconds(8);
    /** The demo's policy with a health deadline that a slowly starting JVM does not outlast. */
    private static final Policy POLICY = new Policy(0.10, 2_000L, null, 20, 100L, 5, 2_000L, 150_000L);
    /** A first batch that stays ROLLING for a minute: its host must be healthy for 60 s before the next batch. */
    private static final Policy LONG_STEP = new Policy(0.10, 2_000L, null, 20, 100L, 5, 60_000L, 150_000L);
    private static final PrintStream OUT = System.out;

    private KanaryStack stack;
    private StackOptions options;
    private ChromeDriver browser;
    private DashboardPage page;
    private TopicWatch topics;

    @BeforeEach
    void startStackAndBrowser() throws Exception {
        browser = Chromium.start();
        page = new DashboardPage(browser);
        Path data = Files.createTempDirectory("kanary-dashboard-");
        options = StackOptions.processes(null, 0, data, EnumSet.allOf(ServiceName.class), HOSTS, 0, 100);
        stack = KanaryStack.start(options, OUT);
        topics = new TopicWatch(stack.kafka());
        new DemoScenario(stack.plannerClient(), HOSTS, Driver.PROCESS, OUT, ROLLOUT).awaitHosts();
    }

    @AfterEach
    void stopEverything() {
        if (browser != null) {
            browser.quit();
        }
        if (topics != null) {
            topics.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void showsTheRollbackAndTheBreachSentenceWithinSecondsOfTheEvent() throws Exception {
        DemoScenario demo = new DemoScenario(stack.plannerClient(), HOSTS, Driver.PROCESS, OUT, ROLLOUT);
        assertEquals("SUCCEEDED", demo.rollout("fleet-v1", "v1", 0.0, HOSTS.size(), POLICY));
        page.open(stack.dashboardUrl());
        await().atMost(ON_THE_PAGE).until(() -> page.text("fleet-v1", "phase"), "SUCCEEDED"::equals);

        request("breached-v2", "v2", 0.30, 1, POLICY);
        DeploymentEvent.RollingBack rollback = await().atMost(ROLLOUT).pollInterval(Duration.ofMillis(50))
                .until(() -> topics.of(DeploymentEvent.RollingBack.class, "breached-v2"), l -> !l.isEmpty()).get(0);
        long onTopic = System.nanoTime();
        // The detector writes the breach in the transaction of its rollback command, before the planner's rollback.
        Breach breach = await().atMost(ON_THE_PAGE).until(() -> topics.of(Breach.class, "breached-v2"), l -> !l.isEmpty()).get(0);

        await().atMost(ON_THE_PAGE).pollInterval(Duration.ofMillis(100)).until(() ->
                List.of("ROLLING_BACK", "ROLLED_BACK").contains(page.text("breached-v2", "phase"))
                        && page.text("breached-v2", "reason").equals("Reason: " + rollback.reason())
                        && page.text("breached-v2", "breach").equals(Summaries.of(breach, null)));
        // A figure for the record, not an assertion: the bound above is what the test holds the page to.
        OUT.printf("the page showed the rollback and its breach %d ms after the test read the rollback from deploy.events%n",
                (System.nanoTime() - onTopic) / 1_000_000);
        assertTrue(Summaries.of(breach, null).startsWith("BREACH v2 "), Summaries.of(breach, null));
        await().atMost(ON_THE_PAGE).until(() -> page.hasCharts("breached-v2"));
        screenshot("dashboard-rollback.png");

        await().atMost(ROLLOUT).until(() -> page.text("breached-v2", "phase"), "ROLLED_BACK"::equals);
        assertEquals("Reason: " + rollback.reason(), page.text("breached-v2", "reason"));

        // The audit timeline, cause -> effect: the planner's rollback names the detector's rollback command as its cause.
        page.openTimeline("breached-v2");
        List<String> timeline = await().atMost(Duration.ofSeconds(60)).until(() -> page.timeline("breached-v2"),
                entries -> entries.stream().anyMatch(e -> e.contains("rolled back: host-1 → v1")));
        String rollingBack = "rolling back host-1 (asked by breach-detector): " + rollback.reason()
                + "\n← caused by: rollback requested by breach-detector: " + rollback.reason();
        assertTrue(timeline.stream().anyMatch(e -> e.endsWith(rollingBack)), String.join("\n", timeline));
    }

    @Test
    void pausePressedWithTheStacksTokenPausesTheRolloutThroughTheApi() throws Exception {
        request("paused-v1", "v1", 0.0, 1, LONG_STEP);
        PlannerClient planner = stack.plannerClient();
        await().atMost(ROLLOUT).until(() -> topics.of(DeploymentEvent.BatchStarted.class, "paused-v1"), l -> !l.isEmpty());
        page.open(stack.dashboardUrl());
        page.enterToken(stack.credential(options).token());

        await().atMost(ON_THE_PAGE).until(() -> page.canPress("paused-v1", "pause"));
        page.press("paused-v1", "pause");

        await().atMost(Duration.ofSeconds(30)).until(() -> planner.get("v1/deployments/paused-v1").path("phase").asText(),
                "PAUSED"::equals);
        await().atMost(ON_THE_PAGE).until(() -> page.text("paused-v1", "phase"), "PAUSED"::equals);
        assertTrue(page.text("paused-v1", "message").startsWith("pause accepted (202)"), page.text("paused-v1", "message"));
    }

    @Test
    void aWrongTokenGetsTheApisRefusalOnThePageAndChangesNothing() throws Exception {
        request("refused-v1", "v1", 0.0, 1, LONG_STEP);
        PlannerClient planner = stack.plannerClient();
        await().atMost(ROLLOUT).until(() -> topics.of(DeploymentEvent.BatchStarted.class, "refused-v1"), l -> !l.isEmpty());
        page.open(stack.dashboardUrl());
        await().atMost(ON_THE_PAGE).until(() -> page.canPress("refused-v1", "pause"));

        page.press("refused-v1", "pause");
        await().atMost(ON_THE_PAGE).until(() -> page.text("refused-v1", "message"), m -> m.equals("Enter the API token "
                + "above first, then press pause again (kanary up prints where its token file is)."));

        page.enterToken("not-the-stacks-token");
        page.press("refused-v1", "pause");
        await().atMost(ON_THE_PAGE).until(() -> page.text("refused-v1", "message"), m -> m.equals("401 Invalid credential: "
                + "The bearer token is not one this API accepts; check the token or ask for a new one"));

        assertEquals("ROLLING", planner.get("v1/deployments/refused-v1").path("phase").asText());
        assertEquals(List.of(), topics.of(DeploymentEvent.Paused.class, "refused-v1"));
        assertEquals("ROLLING", page.text("refused-v1", "phase"));
    }

    /** Requests a rollout of demo-app through the planner's API without waiting for it. */
    private void request(String id, String version, double failureRate, int batchSize, Policy policy) {
        stack.plannerClient().post("v1/deployments", DeployRequests.of(id, DemoScenario.SERVICE, version,
                DemoScenario.demoApp(version, failureRate), HOSTS, batchSize, policy, "dashboard-test"));
    }

    private void screenshot(String name) throws java.io.IOException {
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        OUT.println("screenshot: " + target.toAbsolutePath());
    }
}
