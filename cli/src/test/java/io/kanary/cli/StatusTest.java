package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.Json;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kanary status} against {@link PlannerDouble}, a test double of the planner's HTTP API that
 * answers per the API contract; only these unit tests of the CLI's client side use it.
 */
class StatusTest {
    private PlannerDouble planner;

    @BeforeEach
    void start() throws IOException {
        planner = new PlannerDouble();
    }

    @AfterEach
    void stop() {
        planner.close();
    }

    private CliRun status(String... words) {
        String[] args = new String[words.length + 1];
        args[0] = "status";
        System.arraycopy(words, 0, args, 1, words.length);
        return CliRun.against(planner.url(), args);
    }

    @Test
    void shouldShowAStepWaitingForApprovalWithTheCommandThatApprovesIt() {
        planner.on("GET /v1/deployments/web-7", 200, PlannerDouble.view("web-7", "WAITING",
                "\"baselineVersion\":\"v1\",\"step\":3,\"steps\":5,\"stepKind\":\"approval\",\"requestedBy\":\"cli:bob\","
                        + "\"hosts\":{\"host-1\":{\"previousVersion\":\"v1\",\"state\":\"healthy\"},"
                        + "\"host-2\":{\"previousVersion\":\"v1\",\"state\":\"waiting\"}}"));
        CliRun run = status("web-7");
        assertEquals(0, run.exit(), run.toString());
        var lines = run.out().lines().toList();
        assertEquals("deployment web-7: web v2 (baseline v1)", lines.get(0));
        assertEquals("  phase   WAITING step 3/5 (approval: kanary promote web-7 --planner " + planner.url() + "), hosts 1/2 done",
                lines.get(1));
        assertTrue(lines.get(2).matches("  started 2026-12-02 \\d\\d:00:00 \\(\\S+ ago\\) by cli:bob"), lines.get(2));
        assertEquals("  host-1     healthy      was v1       ", lines.get(3));
        assertEquals(5, lines.size(), run.toString());
    }

    @Test
    void shouldShowWhereAQueuedDeploymentWaitsAndWhatItNeeds() {
        planner.on("GET /v1/deployments/web-8", 200, PlannerDouble.view("web-8", "QUEUED",
                "\"queuePosition\":2,\"needs\":\"web-staging-3\",\"kind\":\"undo\",\"cause\":\"revision 4\""));
        CliRun run = status("web-8");
        assertTrue(run.out().contains("  phase   QUEUED (position 2 in web's queue; needs web-staging-3 to succeed; cancel with: "
                + "kanary cancel web-8 --planner " + planner.url() + ")\n"), run.toString());
        assertTrue(run.out().contains("  kind    undo of revision 4\n"), run.toString());
        assertTrue(run.out().contains("  needs   web-staging-3 to succeed first\n"), run.toString());
    }

    @Test
    void shouldListProgressAndTheQueuesPerService() {
        planner.on("GET /v1/deployments", 200, "{\"deployments\":["
                + PlannerDouble.view("web-9", "QUEUED", "\"queuePosition\":1") + ","
                + PlannerDouble.view("web-7", "PAUSED", "\"step\":2,\"steps\":4,\"stepKind\":\"batch\",\"pausedBy\":\"alice\"") + ","
                + PlannerDouble.view("api-3", "ROLLED_BACK", "\"reason\":\"error rate 0.31 > 0.05\"").replace("\"web\"", "\"api\"")
                + "]}");
        CliRun run = status();
        assertEquals(0, run.exit(), run.toString());
        var lines = run.out().lines().toList();
        assertEquals(5, lines.size(), run.toString());
        assertTrue(lines.get(0).startsWith("DEPLOYMENT                   SERVICE      VERSION    PHASE         PROGRESS         AGE"), run.toString());
        assertTrue(lines.get(1).startsWith("web-9                        web          v2         QUEUED        queued #1        "), run.toString());
        assertTrue(lines.get(2).startsWith("web-7                        web          v2         PAUSED        step 2/4         "), run.toString());
        assertTrue(lines.get(3).endsWith(" error rate 0.31 > 0.05"), run.toString());
        assertEquals("queued: web has 1 request(s) waiting: web-9 (cancel one with: kanary cancel ID --planner " + planner.url() + ")",
                lines.get(4));
    }

    @Test
    void shouldAskForOneServicesDeployments() {
        planner.on("GET /v1/deployments", 200, "{\"deployments\":[]}");
        CliRun run = status("--service", "web");
        assertEquals("no deployments yet\n", run.out());
        assertEquals("limit=500&service=web", planner.seen().get(0).query());
    }

    @Test
    void shouldFollowThePagesOfTheListToItsEnd() {
        planner.on("GET /v1/deployments", 200, "{\"deployments\":[" + PlannerDouble.view("web-9", "ROLLING", "")
                        + "],\"next\":\"/v1/deployments?limit=500&after=abc\"}",
                200, "{\"deployments\":[" + PlannerDouble.view("web-8", "SUCCEEDED", "") + "]}");
        CliRun run = status();
        assertEquals(0, run.exit(), run.toString());
        assertEquals(3, run.out().lines().count(), run.toString());
        assertEquals("limit=500&after=abc", planner.seen().get(1).query());
    }

    @Test
    void shouldPrintThePlannersJsonAsItIs() throws Exception {
        String view = PlannerDouble.view("web-7", "ROLLING", "\"futureField\":{\"x\":1}");
        planner.on("GET /v1/deployments/web-7", 200, view);
        CliRun run = status("web-7", "-o", "json");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(Json.mapper().readTree(view), Json.mapper().readTree(run.out()));
    }

    @Test
    void shouldRefuseAnOutputItDoesNotKnow() {
        CliRun run = status("-o", "yaml");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("Invalid value for option '--output': expected one of [TEXT, JSON]"), run.toString());
    }

    @Test
    void shouldSayWhenTheEvidenceOfAWaitingBatchCannotBeReadFromKafka() throws IOException {
        int closed = CliRun.closedPort();
        planner.on("GET /v1/deployments/web-7", 200, PlannerDouble.view("web-7", "ROLLING",
                "\"evidence\":\"gates passed; waiting for evidence (the breach-detector's judgement, at the latest by "
                        + "2026-12-02T01:02:00Z)\""));
        CliRun run = status("web-7", "--bootstrap-server", "127.0.0.1:" + closed, "--evidence-timeout-s", "1");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("  so far  unknown: Kafka at 127.0.0.1:" + closed + " did not answer ("), run.toString());
        assertTrue(run.out().contains("watch it live with: kanary watch --service web\n"), run.toString());
    }
}
