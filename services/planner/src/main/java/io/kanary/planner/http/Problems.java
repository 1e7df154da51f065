package io.kanary.planner.http;

import io.kanary.kafka.Json;
import io.kanary.planner.state.Violation;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
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
        send(ctx.response(), ctx.request().path(), status, slug, title, detail, errors, Map.of());
    }

    /** A 409 about a deployment's state: the problem also names the deployment's {@code phase}. */
    static void conflict(RoutingContext ctx, String slug, String title, String detail, String phase) {
        send(ctx.response(), ctx.request().path(), 409, slug, title, detail, null,
                phase == null ? Map.of() : Map.of("phase", phase));
    }

    /**
     * The answer to a request the HTTP codec could not read, before any route sees it: a URL longer
     * than the server's limit (414), headers too large (431), or a malformed request line (400).
     * Vert.x's own answer to these has an empty body; this one is a problem like every other.
     */
    static void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        HttpServerResponse response = request.response().putHeader(HttpHeaders.CONNECTION, "close");
        if (cause instanceof TooLongHttpLineException) {
            send(response, null, 414, "uri-too-long", "URI too long", "The request line is longer than the "
                    + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH + " bytes the API reads; "
                    + "send long values in a POST body instead", null);
        } else if (cause instanceof TooLongHttpHeaderException) {
            send(response, null, 431, "headers-too-large", "Request headers too large", "The request's headers are "
                    + "larger than the " + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE + " bytes the API reads", null);
        } else {
            send(response, null, 400, "bad-request", "Bad request", "The request is not valid HTTP", null);
        }
    }

    private static void send(HttpServerResponse response, String instance, int status, String slug, String title,
                             String detail, List<Violation> errors) {
        send(response, instance, status, slug, title, detail, errors, Map.of());
    }

    private static void send(HttpServerResponse response, String instance, int status, String slug, String title,
                             String detail, List<Violation> errors, Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + slug);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        if (errors != null && !errors.isEmpty()) {
            body.put("errors", errors.stream().map(v -> Map.of("field", v.field(), "rule", v.rule())).toList());
        }
        body.putAll(extensions);
        if (response.ended()) {
            return;
        }
        try {
            response.setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE)
                    .end(Json.mapper().writeValueAsString(body));
        } catch (Exception e) {
            response.setStatusCode(500).end();
        }
    }
}
