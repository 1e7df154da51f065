package io.kanary.cli.verbs;

import io.kanary.cli.PlannerVerb;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kanary abort: rolls a deployment back now, as an operator. */
@Command(name = "abort",
        description = {"Roll a rollout back now, as an operator (it ends ABORTED).",
                "Abort a ROLLING, WAITING or PAUSED deployment: every updated host goes back to its previous version "
                + "now, and the deployment ends ABORTED (not ROLLED_BACK, which a breach causes), naming you and your "
                + "reason."},
        footer = {"", "Example:", "  kanary abort web-7 --reason 'wrong config pushed'", "",
                "Exit codes: 0 requested; 4 the deployment's phase does not allow it (409); "
                + "1 no such deployment (404); 3 the planner cannot be reached."})
public final class AbortCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment id, as 'kanary status' lists it.")
    String deploymentId;

    @Option(names = "--reason", required = true, description = "Why, for the audit trail (required).")
    String reason;

    @Override
    public Integer call() {
        Control.onDeployment(planner, deploymentId, "abort", Control.body(reason));
        planner.out().printf("abort of %s requested: its updated hosts go back to their previous version%n"
                + "follow it with:  %s%n", deploymentId, planner.hints().kanary("wait " + deploymentId));
        return 0;
    }
}
