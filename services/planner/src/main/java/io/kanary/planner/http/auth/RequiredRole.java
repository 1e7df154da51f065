package io.kanary.planner.http.auth;

import io.vertx.core.http.HttpMethod;

/**
 * The role a request needs, from its method and path alone, so that a route added later is
 * guarded too: reads need {@link Role#VIEWER}, creating a deployment {@link Role#DEPLOYER}, and
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
        return Role.OPERATOR;
    }
}
