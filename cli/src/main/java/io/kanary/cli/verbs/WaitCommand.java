package io.kanary.cli.verbs;

import io.kanary.cli.PlannerVerb;
import io.kanary.cli.rollout.DeploymentWaiter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** kanary wait: blocks until a deployment ends; the exit code says how it ended. */
@Command(name = "wait",
        description = {"Wait until a deployment ends; the exit code says how.",
                "Wait until a deployment ends, printing a line each time its progress changes. The exit code "
                + "says how it ended, so a CI job can branch on it."},
        footer = {"", "Examples:", "  kanary wait web-7", "  kanary wait web-7 --timeout 30m && echo 'web v2 is out'", "",
                "Exit codes: 0 SUCCEEDED; 5 ROLLED_BACK; 6 FAILED; 7 ABORTED or CANCELLED; 8 still active when --timeout "
                + "passed (the message says the phase and the command that moves it on); 1 no such deployment; "
                + "3 the planner cannot be reached."})
public final class WaitCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Mixin
    WaitTiming timing;

    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment id.")
    String deploymentId;

    @Override
    public Integer call() throws InterruptedException {
        return new DeploymentWaiter(planner.client(), planner.out(), planner.hints(), timing.timeout, timing.poll)
                .await(deploymentId, false);
    }
}
