package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code kanary wait}, {@code deploy}'s rollout options and {@code lint} against {@link PlannerDouble},
 * a test double of the planner's HTTP API that answers per the API contract; only these unit tests of
 * the CLI's client side use it.
 */
class WaitAndDeployTest {
    private PlannerDouble planner;

    @BeforeEach
    void start() throws IOException {
        planner = new PlannerDouble();
    }

    @AfterEach
    void stop() {
        planner.close();
    }

    /** The verb's words with --planner pointing at the double, given before any "--". */
    private CliRun run(String... words) {
        return CliRun.against(planner.url(), words);
    }

    @ParameterizedTest
    @CsvSource({"SUCCEEDED,0", "ROLLED_BACK,5", "FAILED,6", "ABORTED,7", "CANCELLED,7"})
    void shouldExitWithTheCodeOfHowTheDeploymentEnded(String phase, int exit) {
        planner.on("GET /v1/deployments/web-7", 200, PlannerDouble.view("web-7", "ROLLING", ""),
                200, PlannerDouble.view("web-7", phase, ""));
        CliRun run = run("wait", "web-7", "--poll-interval", "20ms");
        assertEquals(exit, run.exit(), run.toString());
        assertTrue(run.out().contains("web-7  ROLLING batch 1/2\n"), run.toString());
        assertTrue(run.out().contains("web-7  " + phase + " batch 1/2\n"), run.toString());
    }

    @Test
    void shouldPrintALineOnlyWhenTheProgressChanges() {
        String batch1 = PlannerDouble.view("web-7", "ROLLING", "");
        String batch2 = PlannerDouble.view("web-7", "ROLLING", "").replace("\"batch\":1", "\"batch\":2");
        planner.on("GET /v1/deployments/web-7", 200, batch1, 200, batch1, 200, batch1, 200, batch2, 200, batch2,
                200, PlannerDouble.view("web-7", "SUCCEEDED", "").replace("\"batch\":1", "\"batch\":2"));
        CliRun run = run("wait", "web-7", "--poll-interval", "10ms");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(3, run.out().lines().count(), run.toString());
        assertTrue(run.out().lines().toList().get(1).endsWith("web-7  ROLLING batch 2/2"), run.toString());
    }

    @Test
    void shouldTimeOutAtAnApprovalSayingHowToPromote() {
        planner.on("GET /v1/deployments/web-7", 200, PlannerDouble.view("web-7", "WAITING",
                "\"step\":3,\"steps\":5,\"stepKind\":\"approval\",\"waitingUntil\":null"));
        CliRun run = run("wait", "web-7", "--timeout", "300ms", "--poll-interval", "50ms");
        assertEquals(8, run.exit(), run.toString());
        assertTrue(run.out().contains("web-7  WAITING step 3/5 (approval: kanary promote web-7 --planner " + planner.url() + ")"),
                run.toString());
        assertEquals("error: waited 300ms for deployment web-7, and it is still WAITING (step 3/5 (approval: kanary promote web-7"
                + " --planner " + planner.url() + ")); it waits for an approval: promote it with: kanary promote web-7"
                + " --planner " + planner.url() + "; keep waiting with: kanary wait web-7 --timeout 30m --planner "
                + planner.url() + "\n", run.err());
    }

    @Test
    void shouldTimeOutWhilePausedNamingWhoPausedIt() {
        planner.on("GET /v1/deployments/web-7", 200, PlannerDouble.view("web-7", "PAUSED", "\"pausedBy\":\"alice\""));
        CliRun run = run("wait", "web-7", "--timeout", "200ms", "--poll-interval", "50ms");
        assertEquals(8, run.exit(), run.toString());
        assertTrue(run.err().contains("it is still PAUSED (batch 1/2); it is paused by alice: resume it with: kanary resume web-7"),
                run.toString());
    }

    @Test
    void shouldKeepWaitingWhileThePlannerDoesNotAnswer() {
        String unavailable = "{\"title\":\"Planner stopped\",\"status\":503,\"detail\":\"restarting\"}";
        planner.on("GET /v1/deployments/web-7", 200, PlannerDouble.view("web-7", "ROLLING", ""),
                503, unavailable, 503, unavailable, 503, unavailable, 503, unavailable, 503, unavailable, 503, unavailable,
                200, PlannerDouble.view("web-7", "SUCCEEDED", ""));
        CliRun run = run("wait", "web-7", "--poll-interval", "10ms");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(1, run.out().lines().filter(l -> l.endsWith("(the planner does not answer: 503 Planner stopped: restarting; "
                + "still waiting)")).count(), run.toString());
        assertTrue(run.out().contains("web-7  SUCCEEDED batch 1/2\n"), run.toString());
    }

    @Test
    void shouldSayThereIsNoSuchDeploymentToWaitFor() {
        planner.on("GET /v1/deployments/web-0", 404, PlannerDouble.notFound("no deployment web-0"));
        CliRun run = run("wait", "web-0");
        assertEquals(1, run.exit(), run.toString());
        assertEquals("error: the planner knows no deployment web-0; list them with: kanary status --planner " + planner.url() + "\n",
                run.err());
    }

    @Test
    void shouldRefuseATimeoutThatIsNoDuration() {
        CliRun run = run("wait", "web-7", "--timeout", "ten");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("Invalid value for option '--timeout': 'ten' is not a duration"), run.toString());
    }

    @Test
    void shouldSendStepsAndTheRolloutOptionsAsTheContractNamesThem() {
        planner.on("POST /v1/deployments", 202, "{\"deploymentId\":\"web-7\",\"phase\":\"ROLLING\"}");
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--steps", "1,pause=2m,50%,approve,100%",
                "--on-busy", "supersede", "--needs", "web-staging-2", "--selector", "env=prod", "--selector", "zone=a",
                "--", "./web");
        assertEquals(0, run.exit(), run.toString());
        var body = planner.seen("POST /v1/deployments").get(0).body();
        assertAll(body.toString(),
                () -> assertEquals("[{\"hosts\":1},{\"pause\":\"2m\"},{\"percent\":50},{\"pause\":null},{\"percent\":100}]",
                        body.path("steps").toString()),
                () -> assertTrue(body.path("batchSize").isMissingNode()),
                () -> assertEquals("supersede", body.path("onBusy").asText()),
                () -> assertEquals("web-staging-2", body.path("needs").asText()),
                () -> assertEquals("{\"env\":\"prod\",\"zone\":\"a\"}", body.path("hostSelector").toString()));
    }

    @Test
    void shouldRefuseAStepThatIsNoStep() {
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--steps", "1,half,100%", "--", "./web");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("Invalid value for option '--steps': 'half' is not a step"), run.toString());
    }

    @Test
    void shouldRefuseBatchSizeWithSteps() {
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--steps", "50%,100%", "--batch-size", "2");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("give either --batch-size or --steps, not both"), run.toString());
        assertTrue(planner.seen().isEmpty());
    }

    @Test
    void shouldReuseTheIdempotencyKeyWhenRetryingAnUnansweredRequest() {
        planner.on("POST /v1/deployments", 503, "{\"title\":\"Unavailable\",\"status\":503}",
                202, "{\"deploymentId\":\"web-7\",\"phase\":\"ROLLING\"}");
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--idempotency-key", "ci-run-41", "--", "./web");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(2, planner.seen().size());
        assertEquals("ci-run-41", planner.seen().get(0).idempotencyKey());
        assertEquals("ci-run-41", planner.seen().get(1).idempotencyKey());
    }

    @Test
    void shouldSayAQueuedDeploymentWaitsAndHowToCancelIt() {
        planner.on("POST /v1/deployments", 202, "{\"deploymentId\":\"web-8\",\"phase\":\"QUEUED\"}");
        CliRun run = run("deploy", "--service", "web", "--version", "v3", "--", "./web");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().startsWith("deployment web-8 requested: web v3 (QUEUED)\n"
                + "it waits until the active deployment of web ends; cancel it with:  kanary cancel web-8 --planner "
                + planner.url() + "\n"), run.toString());
        assertTrue(run.out().contains("kanary status web-8 --planner " + planner.url()), run.toString());
    }

    @Test
    void shouldExitFourWhenTheServiceIsBusyAndTheRequestRefusesToQueue() {
        planner.on("POST /v1/deployments", 409, PlannerDouble.conflict("web already has web-7 ROLLING", "ROLLING"));
        CliRun run = run("deploy", "--service", "web", "--version", "v3", "--on-busy", "refuse", "--", "./web");
        assertEquals(4, run.exit(), run.toString());
        assertEquals("refuse", planner.seen().get(0).body().path("onBusy").asText());
    }

    @Test
    void shouldWaitAfterDeployingAndExitSixWhenItFails() {
        planner.on("POST /v1/deployments", 202, "{\"deploymentId\":\"web-7\",\"phase\":\"ROLLING\"}")
                .on("GET /v1/deployments/web-7", 200, PlannerDouble.view("web-7", "FAILED", "\"reason\":\"host-2 could not be rolled back\""));
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--wait", "--poll-interval", "20ms", "--", "./web");
        assertEquals(6, run.exit(), run.toString());
        assertTrue(run.out().contains("web-7  FAILED batch 1/2: host-2 could not be rolled back\n"), run.toString());
    }

    private static final String PLAN = "{\"service\":\"web\",\"version\":\"v2\",\"deploymentId\":null,\"steps\":["
            + "{\"kind\":\"batch\",\"hosts\":[\"host-1\"]},{\"kind\":\"pause\",\"durationMs\":120000},{\"kind\":\"approval\"},"
            + "{\"kind\":\"batch\",\"hosts\":[\"host-2\",\"host-3\"]}],\"policy\":{\"maxErrorRate\":0.05}}";

    @Test
    void shouldShowThePlanOfADryRunAndStartNothing() {
        planner.on("POST /v1/deployments", 200, PLAN);
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--steps", "1,pause=2m,approve,100%", "--dry-run",
                "--", "./web");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("dryRun=true", planner.seen().get(0).query());
        assertEquals("""
                valid: web v2 would roll out in 4 step(s); nothing was started
                   1. batch     host-1
                   2. pause     2m (judgement goes on; continues by itself)
                   3. approval  waits for 'kanary promote'
                   4. batch     host-2, host-3
                  gates: maxErrorRate 0.05
                """, run.out());
    }

    @Test
    void shouldShowTheHooksOfADryRunInWords() {
        planner.on("POST /v1/deployments", 200, "{\"service\":\"web\",\"version\":\"v2\",\"steps\":["
                + "{\"kind\":\"batch\",\"hosts\":[\"host-1\"]}],\"hooks\":{"
                + "\"preDeploy\":{\"command\":[\"/usr/local/bin/backup-db\",\"--label\",\"before-v2\"],\"timeoutMs\":600000,\"host\":\"host-1\"},"
                + "\"smoke\":{\"command\":[\"/usr/local/bin/smoke\"],\"timeoutMs\":30000,\"http\":[{\"kind\":\"http\",\"path\":\"/smoke\"}]}}}");
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--dry-run", "--", "./web");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("""
                valid: web v2 would roll out in 1 step(s); nothing was started
                   1. batch     host-1
                  pre-deploy hook: /usr/local/bin/backup-db --label before-v2 (timeout 10m) on host-1, before the first batch
                  smoke test: /usr/local/bin/smoke, then GET /smoke (timeout 30s) on each host of a batch, before the next batch
                """, run.out());
    }

    @Test
    void shouldLintARequestFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("request.json"), "{\"service\":\"web\",\"version\":\"v2\",\"steps\":[{\"hosts\":1}]}");
        planner.on("POST /v1/deployments", 200, PLAN);
        CliRun run = run("lint", file.toString());
        assertEquals(0, run.exit(), run.toString());
        assertEquals("dryRun=true", planner.seen().get(0).query());
        assertEquals("{\"service\":\"web\",\"version\":\"v2\",\"steps\":[{\"hosts\":1}]}", planner.seen().get(0).body().toString());
        assertTrue(run.out().startsWith("valid: web v2 would roll out in 4 step(s)"), run.toString());
    }

    @Test
    void shouldListEveryBrokenRuleOfAnInvalidRequest(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("request.json"), "{\"service\":\"web\",\"batchSize\":2,\"steps\":[]}");
        planner.on("POST /v1/deployments", 422, "{\"title\":\"Invalid deploy request\",\"status\":422,\"errors\":["
                + "{\"field\":\"version\",\"rule\":\"is required\"},{\"field\":\"steps\",\"rule\":\"give steps or batchSize, not both\"}]}");
        CliRun run = run("lint", file.toString());
        assertEquals(1, run.exit(), run.toString());
        assertEquals("error: 422 Invalid deploy request\n  - version: is required\n  - steps: give steps or batchSize, not both\n",
                run.err());
    }

    @Test
    void shouldSayWhereAFileIsNotJson(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("request.json"), "{\"service\": web}");
        CliRun run = run("lint", file.toString());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().startsWith("error: " + file + " is not JSON: "), run.toString());
        assertTrue(run.err().contains(" at line 1, column "), run.toString());
        assertTrue(planner.seen().isEmpty());
    }

    @Test
    void shouldSayThePlannerIsDownForLintNamingTheFlag(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("request.json"), "{\"service\":\"web\"}");
        String down = "http://127.0.0.1:" + CliRun.closedPort();
        CliRun run = CliRun.of("lint", "--planner", down, file.toString());
        assertEquals(3, run.exit(), run.toString());
        assertEquals("error: couldn't connect to the planner at " + down + ": nothing accepts connections there. "
                + "Is 'kanary up' running? Point the CLI at the planner with --planner URL or KANARY_PLANNER.\n", run.err());
    }

    @Test
    void shouldSayWhenTheFileDoesNotExist(@TempDir Path dir) {
        CliRun run = run("lint", dir.resolve("missing.json").toString());
        assertEquals(1, run.exit(), run.toString());
        assertEquals("error: there is no file " + dir.resolve("missing.json") + "; give the request's JSON file, or - to read "
                + "standard input\n", run.err());
    }
}
