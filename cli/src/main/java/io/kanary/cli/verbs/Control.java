package io.kanary.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kanary.cli.PlannerVerb;
import io.kanary.cli.client.UrlPath;
import io.kanary.cli.rollout.DeploymentWaiter;

/** What the control verbs share: the body with the operator's reason, the POST, and waiting on the deployment a control started. */
final class Control {
    private Control() {
    }

    /** {@code {"reason": ...}}, without the field when no reason was given. */
    static ObjectNode body(String reason) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (reason != null) {
            body.put("reason", reason);
        }
        return body;
    }

    /** POST /v1/deployments/{id}/{action}. */
    static JsonNode onDeployment(PlannerVerb planner, String id, String action, ObjectNode body) {
        return planner.client().post("v1/deployments/" + UrlPath.encode(id) + "/" + action, body);
    }

    /** POST /v1/services/{service}/{action}. */
    static JsonNode onService(PlannerVerb planner, String service, String action, ObjectNode body) {
        return planner.client().post("v1/services/" + UrlPath.encode(service) + "/" + action, body);
    }

    /** Prints the new deployment a control started, then waits for it when asked. */
    static int started(PlannerVerb planner, JsonNode answer, String what, boolean wait, WaitTiming timing)
            throws InterruptedException {
        String id = answer.path("deploymentId").asText();
        planner.out().printf("deployment %s requested: %s (%s)%n", id, what, answer.path("phase").asText("ROLLING"));
        if (!wait) {
            planner.out().printf("follow it with:  %s   or   %s%n", planner.hints().kanary("status " + id),
                    planner.hints().kanary("wait " + id));
            return 0;
        }
        return new DeploymentWaiter(planner.client(), planner.out(), planner.hints(), timing.timeout, timing.poll)
                .await(id, true);
    }
}
