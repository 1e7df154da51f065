package io.kanary.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.cli.demo.DemoScenario;
import io.kanary.cli.stack.KanaryStack;
import io.kanary.cli.stack.ServiceName;
import io.kanary.cli.stack.StackOptions;
import io.kanary.security.RunAllowList;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verbs against a real planner and executor on the embedded broker: what a user sees when a
 * request is taken, refused, conflicts, or is rolled back, and the exit code of each. No
 * health-watcher runs, so a rollout stays ROLLING until it is rolled back: each test deploys its own
 * service and depends on no other.
 */
class CliAgainstPlannerIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static KanaryStack stack;
    private static String planner;

    @BeforeAll
    static void startPlannerAndExecutor() throws Exception {
        stack = KanaryStack.start(StackOptions.processes(null, 0, Files.createTempDirectory("kanary-cli-it-"),
                EnumSet.of(ServiceName.PLANNER, ServiceName.EXECUTOR), List.of("host-1"), 0, 200), System.out,
                // Each test deploys its own service of the demo-app, which the embedded default allows only as "demo".
                RunAllowList.ANYTHING);
        planner = "http://127.0.0.1:" + stack.plannerPort();
        await().atMost(PATIENCE).until(() -> run("status", "--planner", planner).exit() == 0);
    }

    /** The verb with this stack's API token, given right after --planner (before any "--" and the command). */
    private static CliRun run(String... args) {
        List<String> list = new ArrayList<>(List.of(args));
        int at = list.indexOf("--planner");
        if (at >= 0) {
            list.addAll(at + 2, List.of("--token-file", stack.tokenFile().toString()));
        }
        return CliRun.of(list.toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** kanary deploy of demo-app v1 on host-1, with a deadline that keeps it ROLLING while no gate passes. */
    private static CliRun deploy(String service, String id, String... more) {
        List<String> args = new ArrayList<>(List.of("deploy", "--planner", planner, "--service", service, "--version", "v1",
                "--id", id, "--hosts", "host-1", "--health-deadline-ms", "600000", "--env", "DEMO_VERSION=v1"));
        args.addAll(List.of(more));
        args.add("--");
        args.addAll(DemoScenario.demoApp("v1", 0.0).command());
        return run(args.toArray(String[]::new));
    }

    private static void awaitPhase(String id, String phase) {
        await().atMost(PATIENCE).until(() -> run("status", id, "--planner", planner).out()
                .contains("  phase   " + phase + " "));
    }

    @Test
    void shouldRequestADeploymentAndShowItsStatus() {
        CliRun run = deploy("cli-status", "cli-status-1");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("deployment cli-status-1 requested: cli-status v1 (ROLLING)\n"
                + "follow it with:  kanary status cli-status-1 --planner " + planner + "   or   kanary wait cli-status-1 --planner "
                + planner + "   or   kanary watch --service cli-status\n", run.out());

        awaitPhase("cli-status-1", "ROLLING");
        CliRun status = run("status", "cli-status-1", "--planner", planner);
        assertAll(status.toString(),
                () -> assertEquals(0, status.exit()),
                () -> assertTrue(status.out().startsWith("deployment cli-status-1: cli-status v1 (baseline none)\n"
                        + "  phase   ROLLING batch 1/1, hosts 0/1 done\n")),
                () -> assertTrue(status.out().contains("  host-1 ")));
        CliRun list = run("status", "--service", "cli-status", "--planner", planner);
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().lines().toList().get(1).startsWith("cli-status-1 "), list.toString());
    }

    @Test
    void shouldAnswerASecondRolloutOfABusyServiceWithExitFour() {
        assertEquals(0, deploy("cli-busy", "cli-busy-1").exit());
        awaitPhase("cli-busy-1", "ROLLING");

        // The planner queues a busy service's requests by default; this one asks to be refused instead.
        CliRun second = deploy("cli-busy", "cli-busy-2", "--on-busy", "refuse");
        assertEquals(4, second.exit(), second.toString());
        assertTrue(second.err().startsWith("error: 409 Deployment conflict: "), second.toString());
        assertTrue(second.err().contains("cli-busy-1"), second.toString());
    }

    @Test
    void shouldNameAnUnknownHostWithExitOne() {
        CliRun run = run("deploy", "--planner", planner, "--service", "cli-nohost", "--version", "v1",
                "--hosts", "host-9", "--", "./web");
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().startsWith("error: 422 Unknown target hosts"), run.toString());
        assertTrue(run.err().contains("host-9"), run.toString());
    }

    @Test
    void shouldNameEveryBrokenRuleWithExitOne() {
        CliRun run = run("deploy", "--planner", planner, "--service", "cli-rules", "--version", "v1",
                "--hosts", "host-1", "--max-error-rate", "1.5", "--min-samples", "0", "--", "./web");
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().startsWith("error: 422 Invalid deploy request\n"), run.toString());
        assertTrue(run.err().contains("  - policy.maxErrorRate: "), run.toString());
        assertTrue(run.err().contains("  - policy.minSamples: "), run.toString());
    }

    @Test
    void shouldSayAnUnknownDeploymentIsNotFound() {
        CliRun run = run("status", "no-such-deployment", "--planner", planner);
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().startsWith("error: 404 "), run.toString());
        assertEquals(1, run("rollback", "no-such-deployment", "--planner", planner).exit());
    }

    @Test
    void shouldRollADeploymentBackOnRequestAndRefuseASecondRollback() {
        assertEquals(0, deploy("cli-undo", "cli-undo-1").exit());
        awaitPhase("cli-undo-1", "ROLLING");

        CliRun rollback = run("rollback", "cli-undo-1", "--reason", "customer reports", "--planner", planner);
        assertEquals(0, rollback.exit(), rollback.toString());
        assertTrue(rollback.out().startsWith("rollback of cli-undo-1 requested (command "), rollback.toString());
        awaitPhase("cli-undo-1", "ROLLED_BACK");
        CliRun status = run("status", "cli-undo-1", "--planner", planner);
        assertTrue(status.out().contains("customer reports"), status.toString());

        CliRun again = run("rollback", "cli-undo-1", "--planner", planner);
        assertEquals(4, again.exit(), again.toString());
        assertTrue(again.err().startsWith("error: 409 "), again.toString());
    }

    @Test
    void shouldAuditADeploymentFromTheBroker() {
        assertEquals(0, deploy("cli-audit", "cli-audit-1").exit());
        awaitPhase("cli-audit-1", "ROLLING");

        CliRun audit = run("audit", "--bootstrap-server", stack.bootstrapServers(), "--deployment", "cli-audit-1");
        assertEquals(0, audit.exit(), audit.toString());
        assertTrue(audit.out().contains("  deployment cli-audit-1: v1 — "), audit.toString());
        assertTrue(audit.out().contains("    chain: complete so far (in progress)"), audit.toString());
    }

    @Test
    void shouldWaitForARolloutAndExitFiveWhenItIsRolledBack() {
        assertEquals(0, deploy("cli-wait", "cli-wait-1").exit());
        awaitPhase("cli-wait-1", "ROLLING");
        CliRun stillRolling = run("wait", "cli-wait-1", "--planner", planner, "--timeout", "1s", "--poll-interval", "200ms");
        assertEquals(8, stillRolling.exit(), stillRolling.toString());
        assertTrue(stillRolling.err().startsWith("error: waited 1s for deployment cli-wait-1, and it is still ROLLING (batch 1/1)"),
                stillRolling.toString());

        assertEquals(0, run("rollback", "cli-wait-1", "--reason", "bad build", "--planner", planner).exit());
        CliRun waited = run("wait", "cli-wait-1", "--planner", planner, "--timeout", "60s", "--poll-interval", "200ms");
        assertEquals(5, waited.exit(), waited.toString());
        assertTrue(waited.out().contains("  cli-wait-1  ROLLED_BACK "), waited.toString());
    }
}
