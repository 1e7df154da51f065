package io.kanary.cli.verbs;

import io.kanary.cli.PlannerVerb;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kanary cancel: takes a QUEUED request out of its service's queue. */
@Command(name = "cancel",
        description = {"Take a queued request out of its service's queue.",
                "Cancel a QUEUED deployment: it leaves its service's queue and ends CANCELLED without touching a "
                + "host."},
        footer = {"", "Example:", "  kanary cancel web-8", "",
                "Exit codes: 0 requested; 4 the deployment's phase does not allow it (409); "
                + "1 no such deployment (404); 3 the planner cannot be reached."})
public final class CancelCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment id, as 'kanary status' lists it.")
    String deploymentId;

    @Option(names = "--reason", description = "Why, for the audit trail.")
    String reason;

    @Override
    public Integer call() {
        Control.onDeployment(planner, deploymentId, "cancel", Control.body(reason));
        planner.out().printf("cancel of %s requested%n"
                + "check with:  %s%n", deploymentId, planner.hints().kanary("status " + deploymentId));
        return 0;
    }
}
