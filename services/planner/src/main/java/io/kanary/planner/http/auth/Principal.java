package io.kanary.planner.http.auth;

import io.vertx.ext.web.RoutingContext;

/** Who made a request, as the credential says, and the role the credential grants. */
public record Principal(String name, Role role) {
    static final String CONTEXT_KEY = "kanary.principal";
    /** The principal of requests when authentication is turned off (loopback only). */
    public static final Principal ANONYMOUS_LOCAL = new Principal("anonymous@loopback", Role.OPERATOR);

    public Principal {
        if (name == null || name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a principal's name must be non-blank without spaces, was '" + name + "'");
        }
    }

    /** The principal the {@link ApiGuard} authenticated for this request. */
    public static Principal of(RoutingContext ctx) {
        Principal principal = ctx.get(CONTEXT_KEY);
        if (principal == null) {
            throw new IllegalStateException("no authenticated principal: the ApiGuard must run before " + ctx.request().path());
        }
        return principal;
    }
}
