package io.kanary.planner.state;

import java.util.List;

/**
 * Why a deploy request was refused.
 *
 * @param conflict true when it clashes with the current state (HTTP 409), false when the request itself is invalid (HTTP 422/400)
 */
public record Rejection(String title, String detail, boolean conflict, List<Violation> violations) {
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
}
