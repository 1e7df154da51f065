package io.kanary.demo;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;

/** The demo service's HTTP API: {@code GET /health} and {@code GET /}. */
public final class DemoVerticle extends VerticleBase {
    private final DemoAppConfig config;
    private final String instance;
    private HttpServer server;

    public DemoVerticle(DemoAppConfig config) {
        this.config = config;
        // The pid tells two instances of one version apart when a load test hits both.
        this.instance = "pid-" + ProcessHandle.current().pid();
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.get("/health").handler(this::health);
        router.get("/").handler(this::version);
        return vertx.createHttpServer()
                .requestHandler(router)
                .listen(config.port())
                .onSuccess(started -> server = started);
    }

    /** The port the server listens on (the chosen one when configured with port 0). */
    public int actualPort() {
        return server.actualPort();
    }

    private void health(RoutingContext ctx) {
        boolean failing = config.failureRate() > 0 && ThreadLocalRandom.current().nextDouble() < config.failureRate();
        JsonObject body = new JsonObject()
                .put("status", failing ? "failing" : "ok")
                .put("version", config.version())
                .put("instance", instance);
        answer(ctx, failing ? 500 : 200, body);
    }

    private void version(RoutingContext ctx) {
        answer(ctx, 200, new JsonObject().put("app", "demo-app").put("version", config.version()));
    }

    private void answer(RoutingContext ctx, int status, JsonObject body) {
        if (config.latencyMs() <= 0) {
            send(ctx, status, body);
        } else {
            vertx.setTimer(config.latencyMs(), timer -> send(ctx, status, body));
        }
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
}
