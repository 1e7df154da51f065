package io.kanary.cli.verbs;

import io.kanary.cli.PlannerVerb;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kanary resume: ends an operator's pause. */
@Command(name = "resume",
        description = {"Resume a rollout an operator paused.",
                "Resume a deployment an operator PAUSED: the next batch starts."},
        footer = {"", "Example:", "  kanary resume web-7", "",
                "Exit codes: 0 requested; 4 the deployment's phase does not allow it (409); "
                + "1 no such deployment (404); 3 the planner cannot be reached."})
public final class ResumeCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment id, as 'kanary status' lists it.")
    String deploymentId;

    @Option(names = "--reason", description = "Why, for the audit trail.")
    String reason;

    @Override
    public Integer call() {
        Control.onDeployment(planner, deploymentId, "resume", Control.body(reason));
        planner.out().printf("resume of %s requested%n"
                + "follow it with:  %s%n", deploymentId, planner.hints().kanary("wait " + deploymentId));
        return 0;
    }
}
