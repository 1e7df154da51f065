package io.kanary.planner.state;

import java.util.List;

/**
 * Why a deploy request or an operator's control was refused.
 *
 * @param conflict true when it clashes with the current state (HTTP 409), false when the request itself is invalid (HTTP 422/400)
 * @param phase    for a control that does not apply now: the deployment's phase, which the 409 names; else null
 */
public record Rejection(String title, String detail, boolean conflict, List<Violation> violations, String phase) {
    public static final String UNKNOWN_DEPLOYMENT = "Unknown deployment";
    public static final String CONTROL_NOT_APPLICABLE = "Control does not apply";

    public Rejection(String title, String detail, boolean conflict, List<Violation> violations) {
        this(title, detail, conflict, violations, null);
    }

    static Rejection invalid(List<Violation> violations) {
        return new Rejection("Invalid deploy request", violations.size() + " rule(s) broken: "
                + String.join("; ", violations.stream().map(Violation::toString).toList()), false, violations);
    }

    static Rejection conflict(String detail) {
        return new Rejection("Deployment conflict", detail, true, List.of());
    }

    static Rejection unknownHosts(String detail, List<Violation> violations) {
        return new Rejection("Unknown target hosts", detail, false, violations);
    }

    static Rejection goneHosts(String detail, List<Violation> violations) {
        return new Rejection("Target hosts gone", detail, false, violations);
    }

    static Rejection unknownDeployment(String detail) {
        return new Rejection(UNKNOWN_DEPLOYMENT, detail, false, List.of());
    }

    static Rejection notApplicable(String detail, Phase phase) {
        return new Rejection(CONTROL_NOT_APPLICABLE, detail, true, List.of(), phase.name());
    }
}
