package io.kanary.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.PlannerVerb;
import io.kanary.cli.client.UrlPath;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** kanary history: the revisions of a service, oldest first. */
@Command(name = "history",
        description = {"List the revisions of a service.",
                "List the revisions of a service, oldest first: every deployment that succeeded, with its "
                + "version and command. 'kanary undo SERVICE --to-revision N' deploys one of them again."},
        footer = {"", "Example:", "  kanary history web", "",
                "Exit codes: 0 listed; 1 refused; 3 the planner cannot be reached."})
public final class HistoryCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Parameters(paramLabel = "SERVICE", description = "The service.")
    String service;

    @Override
    public Integer call() {
        JsonNode revisions = planner.client().get("v1/services/" + UrlPath.encode(service) + "/revisions").path("revisions");
        PrintWriter out = planner.out();
        if (revisions.isEmpty()) {
            out.printf("%s has no revision yet: none of its deployments has succeeded%n", service);
            return 0;
        }
        out.printf("%-8s  %-12s  %-28s  %-20s  %s%n", "REVISION", "VERSION", "DEPLOYMENT", "SUCCEEDED", "RUN");
        for (JsonNode r : revisions) {
            out.printf("%-8s  %-12s  %-28s  %-20s  %s%n", r.path("revision").asText(), r.path("version").asText(),
                    r.path("deploymentId").asText(), r.path("succeededAt").asText("-"), run(r.path("run")));
        }
        out.printf("go back with:  %s%n", planner.hints().kanary("undo " + service + " --to-revision N"));
        return 0;
    }

    /** The image, or the command as one line. */
    private static String run(JsonNode run) {
        if (run.hasNonNull("image")) {
            return run.path("image").asText();
        }
        StringBuilder argv = new StringBuilder();
        run.path("command").forEach(word -> argv.append(argv.isEmpty() ? "" : " ").append(word.asText()));
        return argv.toString();
    }
}
