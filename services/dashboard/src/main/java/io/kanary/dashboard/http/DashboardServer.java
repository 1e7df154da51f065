package io.kanary.dashboard.http;

import io.kanary.audit.AuditFilter;
import io.kanary.audit.AuditReplay;
import io.kanary.audit.AuditReport;
import io.kanary.dashboard.DashboardConfig;
import io.kanary.dashboard.feed.DashboardView;
import io.kanary.kafka.Json;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The dashboard's HTTP side: the page (static files from the classpath, uPlot from its webjar), the
 * live state over server-sent events, a deployment's chart series and audit timeline, and the
 * controls, forwarded to the planner's API with the user's own {@code Authorization} header. The
 * token is only passed through: never logged, never kept.
 */
public final class DashboardServer extends VerticleBase {
    /** The API's controls the page has buttons for. */
    static final List<String> CONTROLS = List.of("pause", "resume", "abort", "promote");
    private static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Duration PLANNER_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration TIMELINE_TIMEOUT = Duration.ofSeconds(20);

    private final DashboardConfig config;
    private final DashboardView view;
    private final LiveStream stream = new LiveStream();
    private HttpServer server;
    private WebClient client;
    private Gauge clientsGauge;

    public DashboardServer(DashboardConfig config, DashboardView view) {
        this.config = config;
        this.view = view;
    }

    @Override
    public Future<?> start() {
        client = WebClient.create(vertx);
        clientsGauge = Gauge.builder("kanary.dashboard.clients", stream, LiveStream::size)
                .description("Browsers connected to the dashboard's live stream").register(config.meterRegistry());
        Router router = Router.router(vertx);
        router.get("/events").handler(ctx -> stream.open(ctx, stateJson()));
        router.get("/api/state").handler(ctx -> json(ctx, 200, stateJson()));
        router.get("/api/config").handler(this::pageConfig);
        router.get("/api/deployments/:id/series").handler(this::series);
        router.get("/api/deployments/:id/timeline").handler(this::timeline);
        router.post("/api/deployments/:id/:action").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES))
                .handler(this::control);
        router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true));
        // The page's own classpath folder, named so that no "webroot" in the working directory can stand in for it.
        router.get("/*").handler(StaticHandler.create("kanary-dashboard").setCachingEnabled(false));
        router.errorHandler(404, ctx -> Problems.send(ctx, 404, "not-found", "Not found",
                "No page or route at " + ctx.request().method() + " " + ctx.request().path()));
        router.errorHandler(413, ctx -> Problems.send(ctx, 413, "body-too-large", "Body too large",
                "The body is larger than " + MAX_BODY_BYTES + " bytes"));
        router.errorHandler(500, ctx -> Problems.send(ctx, 500, "internal", "Internal error",
                "The dashboard could not answer this request; its log has the details"));
        vertx.setPeriodic(config.pushInterval().toMillis(), id -> push());
        return vertx.createHttpServer().requestHandler(router).listen(config.httpPort(), config.httpHost())
                .onSuccess(s -> server = s);
    }

    public int actualPort() {
        return server.actualPort();
    }

    /** A new chart point for every active deployment, then the state to every browser. */
    private void push() {
        view.sample(Instant.now());
        if (stream.size() > 0) {
            stream.broadcast("state", stateJson());
        }
    }

    private String stateJson() {
        return write(view.snapshot(Instant.now()));
    }

    /** What the page needs to know about this dashboard: the window of its figures, whether the buttons can reach a planner. */
    private void pageConfig(RoutingContext ctx) {
        json(ctx, 200, write(java.util.Map.of("windowSeconds", view.window().toSeconds(),
                "plannerKnown", config.plannerUrl() != null, "controls", CONTROLS)));
    }

    private void series(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        view.series(id).ifPresentOrElse(points -> json(ctx, 200, write(points)), () -> unknown(ctx, id));
    }

    /** The audit's cause → effect timeline of one deployment: its probes read over its own time only, off the event loop. */
    private void timeline(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        vertx.executeBlocking(() -> AuditReplay.replayDeployment(config.kafka(), id, TIMELINE_TIMEOUT), false)
                .onSuccess(report -> answerTimeline(ctx, report, id))
                .onFailure(e -> Problems.send(ctx, 503, "kafka-unavailable", "Kafka unavailable",
                        "The topics could not be replayed (" + e.getMessage() + "); check that Kafka is reachable and retry"));
    }

    private void answerTimeline(RoutingContext ctx, AuditReport report, String id) {
        if (report.deployment(id).isEmpty()) {
            unknown(ctx, id);
            return;
        }
        json(ctx, 200, report.toJson(new AuditFilter(null, id)));
    }

    /**
     * POST /api/deployments/{id}/{action}: the same POST to the planner's API with the user's
     * Authorization header, and the planner's answer (a problem included) back as it came.
     */
    private void control(RoutingContext ctx) {
        String action = ctx.pathParam("action");
        if (!CONTROLS.contains(action)) {
            Problems.send(ctx, 404, "not-found", "Unknown control", "The dashboard's controls are " + CONTROLS);
            return;
        }
        if (config.plannerUrl() == null) {
            Problems.send(ctx, 503, "planner-unknown", "Planner unknown", "This dashboard does not know where the "
                    + "planner's API is: run it in the same 'kanary up' as the planner, or set KANARY_PLANNER to the API's URL");
            return;
        }
        String authorization = ctx.request().getHeader("Authorization");
        if (authorization == null || authorization.isBlank()) {
            Problems.send(ctx, 401, "unauthenticated", "Authentication required", "Enter the API token first: "
                    + "'kanary up' prints where its token file is (the line 'api token')");
            return;
        }
        String url = config.plannerUrl() + "/v1/deployments/" + encode(ctx.pathParam("id")) + "/" + action;
        HttpRequest<Buffer> request = client.postAbs(url).timeout(PLANNER_TIMEOUT.toMillis())
                .putHeader("Authorization", authorization).putHeader("Content-Type", "application/json");
        String key = ctx.request().getHeader("Idempotency-Key");
        if (key != null) {
            request.putHeader("Idempotency-Key", key);
        }
        Buffer body = ctx.body().buffer() == null ? Buffer.buffer("{}") : ctx.body().buffer();
        request.sendBuffer(body).onSuccess(answer -> {
            String type = answer.getHeader("Content-Type");
            ctx.response().setStatusCode(answer.statusCode()).putHeader("Content-Type", type == null ? "application/json" : type)
                    .end(answer.body() == null ? Buffer.buffer() : answer.body());
        }).onFailure(e -> Problems.send(ctx, 502, "planner-unreachable", "Planner unreachable", "The planner's API at "
                + config.plannerUrl() + " did not answer (" + e.getMessage() + "); check that the planner runs and retry"));
    }

    private void unknown(RoutingContext ctx, String id) {
        Problems.send(ctx, 404, "unknown-deployment", "Unknown deployment", "No deployment " + id
                + " on deploy.events; the page lists the known ones");
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void json(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    private static String write(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the dashboard's state cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public Future<?> stop() {
        stream.closeAll();
        if (clientsGauge != null) {
            config.meterRegistry().remove(clientsGauge);
        }
        return server == null ? Future.succeededFuture() : server.close();
    }
}
