package io.kanary.cli.verbs;

import io.kanary.cli.PlannerVerb;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kanary pause: an operator's pause. */
@Command(name = "pause",
        description = {"Pause a rollout: no new batch starts.",
                "Pause a ROLLING deployment: the current batch finishes its health gates and no new batch starts. "
                + "Judgement goes on: a breach still rolls it back. Resume it with 'kanary resume'."},
        footer = {"", "Example:", "  kanary pause web-7 --reason 'checking the dashboards'", "",
                "Exit codes: 0 requested; 4 the deployment's phase does not allow it (409); "
                + "1 no such deployment (404); 3 the planner cannot be reached."})
public final class PauseCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment id, as 'kanary status' lists it.")
    String deploymentId;

    @Option(names = "--reason", description = "Why, for the audit trail.")
    String reason;

    @Override
    public Integer call() {
        Control.onDeployment(planner, deploymentId, "pause", Control.body(reason));
        planner.out().printf("pause of %s requested: the current batch finishes its gates, no new batch starts%n"
                + "resume it with:  %s%n", deploymentId, planner.hints().kanary("resume " + deploymentId));
        return 0;
    }
}
