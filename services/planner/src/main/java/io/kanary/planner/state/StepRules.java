package io.kanary.planner.state;

import io.kanary.schema.DeployRequest;
import io.kanary.schema.Step;
import java.util.List;
import java.util.Map;

/** The rules of a request's steps, onBusy, needs, hostSelector and kind, each broken one named by its field. */
final class StepRules {
    private static final List<String> KINDS = List.of(DeployRequest.KIND_DEPLOY, DeployRequest.KIND_UNDO,
            DeployRequest.KIND_RETRY, DeployRequest.KIND_RESTART);

    private StepRules() {
    }

    static void validate(DeployRequest request, List<Violation> out) {
        if (!request.steps().isEmpty() && request.batchSize() != null) {
            out.add(new Violation("steps", "give steps or batchSize, not both"));
        }
        for (int i = 0; i < request.steps().size(); i++) {
            Step step = request.steps().get(i);
            String field = "steps[" + i + "]";
            if (step.hosts() != null && step.hosts() < 1) {
                out.add(new Violation(field + ".hosts", "must be at least 1, was " + step.hosts()));
            } else if (step.percent() != null && (step.percent() < 1 || step.percent() > 100)) {
                out.add(new Violation(field + ".percent", "must be 1 to 100, was " + step.percent()));
            } else if (step.isTimedPause() && step.pauseDuration() == null) {
                out.add(new Violation(field + ".pause", "a duration such as \"500ms\", \"30s\", \"2m\" or \"1h\", or null "
                        + "for an approval; was \"" + step.pause() + "\""));
            }
        }
        if (request.onBusy() != null && !DeployRequest.ON_BUSY.contains(request.onBusy())) {
            out.add(new Violation("onBusy", "one of " + String.join(", ", DeployRequest.ON_BUSY) + "; was \""
                    + request.onBusy() + "\""));
        }
        if (request.needs() != null && !RequestValidator.isValidName(request.needs())) {
            out.add(new Violation("needs", "a deployment id: lower-case letters, digits, '.', '_' or '-', at most 63"));
        }
        for (Map.Entry<String, String> label : request.hostSelector().entrySet()) {
            if (label.getKey().isBlank() || label.getValue() == null || label.getValue().isBlank()) {
                out.add(new Violation("hostSelector", "every label and value must be non-blank, e.g. {\"env\": \"staging\"}"));
            }
        }
        if (request.kind() != null && !KINDS.contains(request.kind())) {
            out.add(new Violation("kind", "one of " + String.join(", ", KINDS) + "; was \"" + request.kind() + "\""));
        }
    }
}
