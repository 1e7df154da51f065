package io.kanary.cli.verbs;

import io.kanary.cli.PlannerVerb;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kanary retry: a deployment that did not succeed, requested again as a new one. */
@Command(name = "retry",
        description = {"Run a rolled-back, failed or aborted deployment again.",
                "Run the request of a ROLLED_BACK, FAILED or ABORTED deployment again (same version, run spec, "
                + "policy, targets and steps) as a new deployment, judged like any other."},
        footer = {"", "Examples:", "  kanary retry web-7", "  kanary retry web-7 --wait --timeout 15m     for a CI job",
                "", "Exit codes: 0 requested (with --wait: SUCCEEDED); 4 the deployment has not ended that way (409); "
                + "1 no such deployment (404); 3 the planner cannot be reached; with --wait also 5 ROLLED_BACK, "
                + "6 FAILED, 7 ABORTED or CANCELLED, 8 still active at --timeout."})
public final class RetryCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Mixin
    WaitTiming timing;

    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment to run again.")
    String deploymentId;

    @Option(names = "--reason", description = "Why, for the audit trail.")
    String reason;

    @Option(names = "--wait", description = "Wait until the new deployment ends; the exit code says how.")
    boolean waitForEnd;

    @Override
    public Integer call() throws InterruptedException {
        return Control.started(planner, Control.onDeployment(planner, deploymentId, "retry", Control.body(reason)),
                "retry of " + deploymentId, waitForEnd, timing);
    }
}
