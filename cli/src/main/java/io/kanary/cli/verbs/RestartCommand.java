package io.kanary.cli.verbs;

import io.kanary.cli.PlannerVerb;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kanary restart: the current revision again, new instances batch by batch. */
@Command(name = "restart",
        description = {"Restart a service on new instances, batch by batch.",
                "Restart a service: its current revision (same version and run spec) on new instances, a batch "
                + "at a time, each batch gated and judged like a rollout."},
        footer = {"", "Example:", "  kanary restart web --reason 'rotate credentials'",
                "", "Exit codes: 0 requested (with --wait: SUCCEEDED); 4 the service has no revision yet (409); "
                + "3 the planner cannot be reached; with --wait also 5, 6, 7, 8 as for 'kanary wait'."})
public final class RestartCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Mixin
    WaitTiming timing;

    @Parameters(paramLabel = "SERVICE", description = "The service to restart.")
    String service;

    @Option(names = "--reason", description = "Why, for the audit trail.")
    String reason;

    @Option(names = "--wait", description = "Wait until the restart ends; the exit code says how.")
    boolean waitForEnd;

    @Override
    public Integer call() throws InterruptedException {
        return Control.started(planner, Control.onService(planner, service, "restart", Control.body(reason)),
                "restart of " + service, waitForEnd, timing);
    }
}
