package io.kanary.cli.verbs;

import io.kanary.cli.PlannerVerb;
import io.kanary.cli.client.UrlPath;
import io.kanary.cli.client.PlannerClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kanary status: one deployment in detail, or the list. */
@Command(name = "status",
        description = "Show a deployment (its phase, batches and each host), or list deployments.",
        footer = {"", "Examples:", "  kanary status                 list every deployment, newest first",
                "  kanary status --service web   list the deployments of web", "  kanary status web-1a2b3c4d     one deployment in detail"})
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Parameters(arity = "0..1", paramLabel = "DEPLOYMENT", description = "A deployment id.")
    String deploymentId;

    @Option(names = "--service", description = "Only this service's deployments.")
    String service;

    @Override
    public Integer call() {
        PlannerClient client = planner.client();
        PrintWriter out = planner.out();
        if (deploymentId != null) {
            print(client.get("v1/deployments/" + UrlPath.encode(deploymentId)), out);
            return 0;
        }
        JsonNode list = client.get("v1/deployments" + (service == null ? ""
                : "?service=" + UrlPath.encode(service))).path("deployments");
        if (list.isEmpty()) {
            out.println("no deployments yet");
        }
        for (JsonNode d : list) {
            out.printf("%-28s %-12s %-10s %-13s batch %d/%d  %s%n", d.path("id").asText(), d.path("service").asText(),
                    d.path("version").asText(), d.path("phase").asText(), d.path("batch").asInt(), d.path("batches").asInt(),
                    d.path("reason").asText(""));
        }
        return 0;
    }

    public static void print(JsonNode d, PrintWriter out) {
        out.printf("deployment %s: %s %s (baseline %s)%n", d.path("id").asText(), d.path("service").asText(),
                d.path("version").asText(), d.path("baselineVersion").asText("none"));
        out.printf("  phase   %s, batch %d of %d%n", d.path("phase").asText(), d.path("batch").asInt(), d.path("batches").asInt());
        if (d.hasNonNull("reason")) {
            out.printf("  reason  %s%n", d.path("reason").asText());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = d.path("hosts").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> host = it.next();
            out.printf("  %-10s %-12s was %-8s %s%n", host.getKey(), host.getValue().path("state").asText(),
                    host.getValue().path("previousVersion").asText("-"), host.getValue().path("detail").asText(""));
        }
    }
}
