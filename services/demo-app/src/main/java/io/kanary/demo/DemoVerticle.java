package io.kanary.demo;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.kanary.metrics.MetricsHandler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The demo service's HTTP API: {@code GET /} (its work: answers with its version, after its
 * configured latency, failing at its configured rate), {@code GET /health} (the same failure rate and
 * latency, for probes) and {@code GET /metrics} (its requests to {@code /} in Prometheus' text).
 * Probes and metric reads are not counted as requests: they are not the traffic users send.
 */
public final class DemoVerticle extends VerticleBase {
    private final DemoAppConfig config;
    private final String instance;
    private final RequestMetrics metrics = new RequestMetrics();
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
        router.get("/metrics").handler(new MetricsHandler(metrics.registry()));
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
        boolean failing = failsNow();
        JsonObject body = new JsonObject()
                .put("status", failing ? "failing" : "ok")
                .put("version", config.version())
                .put("instance", instance);
        answer(ctx, failing ? 500 : 200, body);
    }

    private void version(RoutingContext ctx) {
        long receivedAt = System.nanoTime();
        boolean failing = failsNow();
        JsonObject body = new JsonObject().put("app", "demo-app").put("version", config.version());
        if (failing) {
            body.put("status", "failing");
        }
        int status = failing ? 500 : 200;
        ctx.response().endHandler(done -> metrics.served("/", status, System.nanoTime() - receivedAt));
        answer(ctx, status, body);
    }

    private boolean failsNow() {
        return config.failureRate() > 0 && ThreadLocalRandom.current().nextDouble() < config.failureRate();
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
