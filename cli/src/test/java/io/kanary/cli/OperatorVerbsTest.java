package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator's verbs (pause, resume, abort, promote, cancel, retry, undo, history, restart) as a
 * user runs them: help, bad flags, the planner down, and the planner's answers per the API contract
 * (202, 409 naming the phase, 404) from {@link PlannerDouble}, a test double of the planner that
 * only these unit tests of the CLI's client side use.
 */
class OperatorVerbsTest {
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
    @ValueSource(strings = {"pause", "resume", "abort", "promote", "cancel", "retry", "undo", "history", "restart", "wait", "lint"})
    void shouldTeachEachVerbWithAnExampleAndItsExitCodes(String verb) {
        CliRun run = CliRun.of(verb, "--help");
        assertAll(run.toString(),
                () -> assertEquals(0, run.exit()),
                () -> assertTrue(run.out().startsWith("Usage: kanary " + verb)),
                () -> assertTrue(run.out().contains("  kanary " + verb + " ")),
                () -> assertTrue(run.out().contains("Exit codes: 0 ")),
                () -> assertEquals("", run.err()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pause web-7", "resume web-7", "abort web-7 --reason x", "promote web-7", "cancel web-7",
            "retry web-7", "undo web", "history web", "restart web", "wait web-7", "lint request.json"})
    void shouldRefuseAnUnknownFlagWithUsageAndExitTwo(String words) {
        CliRun run = CliRun.of((words + " --no-such-flag").split(" "));
        assertAll(run.toString(),
                () -> assertEquals(2, run.exit()),
                () -> assertTrue(run.err().startsWith("Unknown option: '--no-such-flag'")),
                () -> assertTrue(run.err().contains("Usage: kanary " + words.split(" ")[0])));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pause web-7", "resume web-7", "abort web-7 --reason x", "promote web-7", "cancel web-7",
            "retry web-7", "undo web", "history web", "restart web", "wait web-7"})
    void shouldSayThePlannerIsDownInOneSentenceNamingTheFlag(String words) throws Exception {
        String down = "http://127.0.0.1:" + CliRun.closedPort();
        CliRun run = CliRun.of((words + " --planner " + down).split(" "));
        assertEquals(3, run.exit(), run.toString());
        assertEquals("error: couldn't connect to the planner at " + down + ": nothing accepts connections there. "
                + "Is 'kanary up' running? Point the CLI at the planner with --planner URL or KANARY_PLANNER.\n", run.err());
    }

    @ParameterizedTest
    @CsvSource({"pause web-7, POST /v1/deployments/web-7/pause", "resume web-7, POST /v1/deployments/web-7/resume",
            "abort web-7 --reason x, POST /v1/deployments/web-7/abort", "promote web-7, POST /v1/deployments/web-7/promote",
            "cancel web-7, POST /v1/deployments/web-7/cancel", "retry web-7, POST /v1/deployments/web-7/retry",
            "undo web, POST /v1/services/web/undo", "restart web, POST /v1/services/web/restart"})
    void shouldExitFourNamingThePhaseWhenTheControlDoesNotApply(String words, String route) {
        planner.on(route, 409, PlannerDouble.conflict("that does not apply now", "ROLLED_BACK"));
        CliRun run = run(words.split(" "));
        assertEquals(4, run.exit(), run.toString());
        assertEquals("error: 409 Conflict: that does not apply now (phase ROLLED_BACK)\n", run.err());
        assertEquals("", run.out());
    }

    @ParameterizedTest
    @CsvSource({"pause web-0, POST /v1/deployments/web-0/pause", "resume web-0, POST /v1/deployments/web-0/resume",
            "abort web-0 --reason x, POST /v1/deployments/web-0/abort", "promote web-0, POST /v1/deployments/web-0/promote",
            "cancel web-0, POST /v1/deployments/web-0/cancel", "retry web-0, POST /v1/deployments/web-0/retry",
            "undo nosuch, POST /v1/services/nosuch/undo", "restart nosuch, POST /v1/services/nosuch/restart",
            "history nosuch, GET /v1/services/nosuch/revisions"})
    void shouldExitOneWhenThePlannerKnowsNoSuchDeploymentOrService(String words, String route) {
        planner.on(route, 404, PlannerDouble.notFound("nothing by that name"));
        CliRun run = run(words.split(" "));
        assertEquals(1, run.exit(), run.toString());
        assertEquals("error: 404 Not found: nothing by that name\n", run.err());
    }

    @Test
    void shouldPauseWithTheReasonAndSayHowToResume() {
        planner.on("POST /v1/deployments/web-7/pause", 202, "{}");
        CliRun run = run("pause", "web-7", "--reason", "checking dashboards");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("{\"reason\":\"checking dashboards\"}", planner.seen("POST /v1/deployments/web-7/pause").get(0).body().toString());
        assertTrue(run.out().contains("resume it with:  kanary resume web-7 --planner " + planner.url()), run.toString());
    }

    @Test
    void shouldSayTheConflictingPhaseAndExitFourWhenAPauseDoesNotApply() {
        planner.on("POST /v1/deployments/web-7/pause", 409, PlannerDouble.conflict("web-7 is not rolling", "SUCCEEDED"));
        CliRun run = run("pause", "web-7");
        assertEquals(4, run.exit(), run.toString());
        assertEquals("error: 409 Conflict: web-7 is not rolling (phase SUCCEEDED)\n", run.err());
    }

    @Test
    void shouldSendAnEmptyBodyToResume() {
        planner.on("POST /v1/deployments/web-7/resume", 202, "{}");
        CliRun run = run("resume", "web-7");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("{}", planner.seen("POST /v1/deployments/web-7/resume").get(0).body().toString());
    }

    @Test
    void shouldRequireAReasonToAbort() {
        CliRun run = run("abort", "web-7");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("Missing required option: '--reason=<reason>'"), run.toString());
        assertTrue(planner.seen().isEmpty());
    }

    @Test
    void shouldAbortWithTheReason() {
        planner.on("POST /v1/deployments/web-7/abort", 202, "{}");
        CliRun run = run("abort", "web-7", "--reason", "wrong config");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("{\"reason\":\"wrong config\"}", planner.seen("POST /v1/deployments/web-7/abort").get(0).body().toString());
    }

    @Test
    void shouldPromoteFullyWhenAsked() {
        planner.on("POST /v1/deployments/web-7/promote", 202, "{}");
        assertEquals(0, run("promote", "web-7", "--full").exit());
        assertEquals(0, run("promote", "web-7").exit());
        assertEquals("{\"full\":true}", planner.seen().get(0).body().toString());
        assertEquals("{\"full\":false}", planner.seen().get(1).body().toString());
    }

    @Test
    void shouldExitOneWhenThereIsNoSuchDeploymentToCancel() {
        planner.on("POST /v1/deployments/web-9/cancel", 404, PlannerDouble.notFound("no deployment web-9"));
        CliRun run = run("cancel", "web-9");
        assertEquals(1, run.exit(), run.toString());
        assertEquals("error: 404 Not found: no deployment web-9\n", run.err());
    }

    @Test
    void shouldPrintTheNewDeploymentOfARetry() {
        planner.on("POST /v1/deployments/web-7/retry", 202, "{\"deploymentId\":\"web-8\",\"phase\":\"ROLLING\"}");
        CliRun run = run("retry", "web-7");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().startsWith("deployment web-8 requested: retry of web-7 (ROLLING)\n"), run.toString());
    }

    @Test
    void shouldWaitForTheRetryAndExitFiveWhenItRollsBack() {
        planner.on("POST /v1/deployments/web-7/retry", 202, "{\"deploymentId\":\"web-8\",\"phase\":\"ROLLING\"}")
                .on("GET /v1/deployments/web-8", 404, PlannerDouble.notFound("no deployment web-8"),
                        200, PlannerDouble.view("web-8", "ROLLED_BACK", "\"reason\":\"error rate 0.30 > 0.05\""));
        CliRun run = run("retry", "web-7", "--wait", "--poll-interval", "50ms");
        assertEquals(5, run.exit(), run.toString());
        assertTrue(run.out().contains("web-8  ROLLED_BACK batch 1/2: error rate 0.30 > 0.05\n"), run.toString());
    }

    @Test
    void shouldUndoToTheRevisionAsked() {
        planner.on("POST /v1/services/web/undo", 202, "{\"deploymentId\":\"web-9\",\"phase\":\"ROLLING\",\"revision\":2}");
        CliRun run = run("undo", "web", "--to-revision", "2", "--reason", "v3 is slow");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("{\"reason\":\"v3 is slow\",\"toRevision\":2}", planner.seen("POST /v1/services/web/undo").get(0).body().toString());
        assertTrue(run.out().startsWith("deployment web-9 requested: web back to revision 2 (ROLLING)\n"), run.toString());
    }

    @Test
    void shouldLeaveTheRevisionToThePlannerWhenNoneIsGiven() {
        planner.on("POST /v1/services/web/undo", 202, "{\"deploymentId\":\"web-9\",\"phase\":\"QUEUED\",\"revision\":1}");
        assertEquals(0, run("undo", "web").exit());
        assertEquals("{}", planner.seen("POST /v1/services/web/undo").get(0).body().toString());
    }

    @Test
    void shouldRefuseARevisionBelowOneAsABadFlag() {
        CliRun run = run("undo", "web", "--to-revision", "0");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("--to-revision 0 is no revision: revisions count from 1"), run.toString());
    }

    @Test
    void shouldSayWhenThereIsNoEarlierRevision() {
        planner.on("POST /v1/services/web/undo", 409, PlannerDouble.conflict("web has no revision before 1", "SUCCEEDED"));
        assertEquals(4, run("undo", "web").exit());
        planner.on("POST /v1/services/web/undo", 404, PlannerDouble.notFound("web has no revision 7"));
        CliRun run = run("undo", "web", "--to-revision", "7");
        assertEquals(1, run.exit(), run.toString());
        assertEquals("error: 404 Not found: web has no revision 7\n", run.err());
    }

    @Test
    void shouldListTheRevisionsOldestFirst() {
        planner.on("GET /v1/services/web/revisions", 200, "{\"service\":\"web\",\"revisions\":["
                + "{\"revision\":1,\"deploymentId\":\"web-1\",\"version\":\"v1\",\"run\":{\"command\":[\"./web\",\"--fast\"]},"
                + "\"succeededAt\":\"2026-12-01T10:00:00Z\"},"
                + "{\"revision\":2,\"deploymentId\":\"web-4\",\"version\":\"v2\",\"run\":{\"image\":\"web:2\"},"
                + "\"succeededAt\":\"2026-12-01T11:00:00Z\"}]}");
        CliRun run = run("history", "web");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("""
                REVISION  VERSION       DEPLOYMENT                    SUCCEEDED             RUN
                1         v1            web-1                         2026-12-01T10:00:00Z  ./web --fast
                2         v2            web-4                         2026-12-01T11:00:00Z  web:2
                go back with:  kanary undo web --to-revision N --planner\s""" + planner.url() + "\n", run.out());
    }

    @Test
    void shouldSayWhenAServiceHasNoRevision() {
        planner.on("GET /v1/services/api/revisions", 200, "{\"service\":\"api\",\"revisions\":[]}");
        CliRun run = run("history", "api");
        assertEquals("api has no revision yet: none of its deployments has succeeded\n", run.out());
    }

    @Test
    void shouldRestartAndExitFourWhenTheServiceHasNoRevision() {
        planner.on("POST /v1/services/web/restart", 202, "{\"deploymentId\":\"web-10\",\"phase\":\"ROLLING\"}");
        CliRun run = run("restart", "web");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().startsWith("deployment web-10 requested: restart of web (ROLLING)\n"), run.toString());
        planner.on("POST /v1/services/web/restart", 409, PlannerDouble.conflict("web has no revision", "NONE"));
        assertEquals(4, run("restart", "web").exit());
    }

    @Test
    void shouldSendEachControlUnderItsOwnIdempotencyKey() {
        planner.on("POST /v1/deployments/web-7/pause", 202, "{}");
        run("pause", "web-7");
        run("pause", "web-7");
        String first = planner.seen().get(0).idempotencyKey();
        String second = planner.seen().get(1).idempotencyKey();
        assertTrue(first != null && first.matches("[0-9a-f-]{36}"), first);
        assertFalse(first.equals(second), first + " twice");
    }
}
