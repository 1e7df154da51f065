package io.kanary.planner.http;

import io.kanary.kafka.Json;
import io.kanary.planner.state.Violation;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RFC 9457 problem details: the one way the API says what went wrong. */
final class Problems {
    static final String CONTENT_TYPE = "application/problem+json";
    static final String TYPE_BASE = "https://kanary.io/problems/";

    private Problems() {
    }

    static void send(RoutingContext ctx, int status, String slug, String title, String detail, List<Violation> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + slug);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", ctx.request().path());
        if (errors != null && !errors.isEmpty()) {
            body.put("errors", errors.stream().map(v -> Map.of("field", v.field(), "rule", v.rule())).toList());
        }
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE)
                    .end(Json.mapper().writeValueAsString(body));
        } catch (Exception e) {
            ctx.response().setStatusCode(500).end();
        }
    }
}
