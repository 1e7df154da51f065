package io.kanary.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.PlannerVerb;
import io.kanary.cli.client.UrlPath;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kanary rollback: an operator's rollback command. */
@Command(name = "rollback",
        description = {"Roll a deployment back now (it ends ROLLED_BACK).",
                "Roll a ROLLING or PAUSED deployment back: every updated host returns to its previous version. "
                + "Publishes a rollback command (rollback.commands) naming you as the operator; the deployment ends "
                + "ROLLED_BACK ('kanary abort' ends it ABORTED instead)."},
        footer = {"", "Example:", "  kanary rollback web-7 --reason 'customer reports'", "",
                "Exit codes: 0 requested; 4 the deployment cannot be rolled back in its phase (409); 1 no such deployment "
                + "(404); 3 the planner cannot be reached."})
public final class RollbackDeploymentCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment id.")
    String deploymentId;

    @Option(names = "--reason", description = "Why, for the audit trail.")
    String reason;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("operator", System.getProperty("user.name", "operator"));
        if (reason != null) {
            body.put("reason", reason);
        }
        JsonNode answer = planner.client().post("v1/deployments/" + UrlPath.encode(deploymentId)
                + "/rollback", body);
        planner.out().printf("rollback of %s requested (command %s)%n", deploymentId,
                answer.path("rollbackCommandId").asText());
        return 0;
    }
}
