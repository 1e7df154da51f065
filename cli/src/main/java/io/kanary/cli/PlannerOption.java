package io.kanary.cli;

import picocli.CommandLine.Option;

/** The --planner option shared by the verbs that talk to the planner's HTTP API. */
final class PlannerOption {
    @Option(names = "--planner", defaultValue = "${KANARY_PLANNER:-http://127.0.0.1:8080}",
            description = "The planner's HTTP API (env KANARY_PLANNER; default: ${DEFAULT-VALUE}).")
    String url;

    PlannerClient client() {
        return new PlannerClient(url);
    }
}
