package io.kanary.planner.http.auth;

import io.vertx.core.http.HttpMethod;

/**
 * The role a request needs, from its method and path alone, so that a route added later is
 * guarded too: reads need {@link Role#VIEWER}, creating a deployment (also by undo, retry or restart) {@link Role#DEPLOYER}, and
 * every other change (rollback, pause, resume, abort, ...) {@link Role#OPERATOR}.
 */
final class RequiredRole {
    private RequiredRole() {
    }

    static Role of(HttpMethod method, String path) {
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
            return Role.VIEWER;
        }
        if (method == HttpMethod.POST && ("/v1/deployments".equals(path) || "/v1/deployments/".equals(path))) {
            return Role.DEPLOYER;
        }
        // Undo, retry and restart create a deployment too: a deployer's verbs, not only an operator's.
        if (method == HttpMethod.POST && (path.startsWith("/v1/deployments/") && path.endsWith("/retry")
                || path.startsWith("/v1/services/") && (path.endsWith("/undo") || path.endsWith("/restart")))) {
            return Role.DEPLOYER;
        }
        return Role.OPERATOR;
    }
}
