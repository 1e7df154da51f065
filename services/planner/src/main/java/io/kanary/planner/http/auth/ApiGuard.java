package io.kanary.planner.http.auth;

import io.kanary.kafka.Json;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The API's first handler: authenticates the bearer token (RFC 6750) and checks the role the
 * request needs ({@link RequiredRole}). A missing or unknown token gets 401 with
 * {@code WWW-Authenticate: Bearer}, a role too small 403, both as RFC 9457 problems. The
 * authenticated {@link Principal} is what the API records as the requester.
 */
public final class ApiGuard implements Handler<RoutingContext> {
    private static final String REALM = "kanary";
    private static final String TYPE_BASE = "https://kanary.io/problems/";

    private final ApiAuth auth;

    private ApiGuard(ApiAuth auth) {
        this.auth = auth;
    }

    /** The guard for {@code auth}; refuses (throws) an unauthenticated API bound beyond loopback. */
    public static ApiGuard of(ApiAuth auth, String host) {
        auth.checkBind(host);
        return new ApiGuard(auth);
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!auth.enabled()) {
            ctx.put(Principal.CONTEXT_KEY, Principal.ANONYMOUS_LOCAL);
            ctx.next();
            return;
        }
        Optional<String> token = bearerToken(ctx.request().getHeader("Authorization"));
        if (token.isEmpty()) {
            refuse(ctx, 401, "Bearer realm=\"" + REALM + "\"", "unauthenticated", "Authentication required",
                    "Send a bearer token: 'Authorization: Bearer <token>' (kanary up prints where its token file is; "
                            + "the CLI reads --token, --token-file, KANARY_TOKEN or KANARY_TOKEN_FILE)");
            return;
        }
        Optional<Principal> principal = auth.tokens().authenticate(token.get());
        if (principal.isEmpty()) {
            refuse(ctx, 401, "Bearer realm=\"" + REALM + "\", error=\"invalid_token\"", "invalid-token",
                    "Invalid credential", "The bearer token is not one this API accepts; check the token or ask for a new one");
            return;
        }
        Role needed = RequiredRole.of(ctx.request().method(), ctx.request().path());
        if (!principal.get().role().includes(needed)) {
            refuse(ctx, 403, "Bearer realm=\"" + REALM + "\", error=\"insufficient_scope\"", "forbidden", "Forbidden",
                    principal.get().name() + " has the role " + principal.get().role().label() + "; "
                            + ctx.request().method() + " " + ctx.request().path() + " needs " + needed.label()
                            + " (or a larger role)");
            return;
        }
        ctx.put(Principal.CONTEXT_KEY, principal.get());
        ctx.next();
    }

    static Optional<String> bearerToken(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String trimmed = header.strip();
        if (trimmed.length() <= 7 || !trimmed.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return Optional.empty();
        }
        String token = trimmed.substring(7).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private static void refuse(RoutingContext ctx, int status, String challenge, String slug, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + slug);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", ctx.request().path());
        String json;
        try {
            json = Json.mapper().writeValueAsString(body);
        } catch (Exception e) {
            json = "{\"status\":" + status + "}";
        }
        ctx.response().setStatusCode(status).putHeader("WWW-Authenticate", challenge)
                .putHeader("Content-Type", "application/problem+json").end(json);
    }
}
