package io.kanary.cli.verbs;

import io.kanary.cli.PlannerVerb;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kanary promote: ends a timed pause or an approval step now; with --full, every remaining one. */
@Command(name = "promote",
        description = {"End a timed pause or approval now; --full skips every one ahead.",
                "Promote a deployment that is WAITING in a timed pause or an approval step: the rollout goes on "
                + "with its next step now. With --full it also skips every pause and approval still ahead (the batches "
                + "still run one by one, and judgement goes on: a breach still rolls it back)."},
        footer = {"", "Examples:", "  kanary promote web-7                  approve the step web-7 waits at",
                "  kanary promote web-7 --full --reason 'verified on staging'",
                "", "Exit codes: 0 requested; 4 nothing to promote in the deployment's phase (409); "
                + "1 no such deployment (404); 3 the planner cannot be reached."})
public final class PromoteCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment id, as 'kanary status' lists it.")
    String deploymentId;

    @Option(names = "--full", description = "Skip every remaining pause and approval step too.")
    boolean full;

    @Option(names = "--reason", description = "Why, for the audit trail.")
    String reason;

    @Override
    public Integer call() {
        Control.onDeployment(planner, deploymentId, "promote", Control.body(reason).put("full", full));
        planner.out().printf("%s of %s requested%nfollow it with:  %s%n",
                full ? "full promotion (no more pauses or approvals)" : "promotion past the current step", deploymentId,
                planner.hints().kanary("wait " + deploymentId));
        return 0;
    }
}
