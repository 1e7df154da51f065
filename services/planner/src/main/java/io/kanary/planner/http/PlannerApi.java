package io.kanary.planner.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Json;
import io.kanary.kafka.Topics;
import io.kanary.planner.state.Phase;
import io.kanary.planner.state.RequestValidator;
import io.kanary.planner.state.Violation;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RollbackCommand;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The planner's HTTP API. It reads the planner's published view and writes requests to Kafka
 * (deploy.requests, rollback.commands): the planner acts on them as on any producer's.
 * A request that clashes with the current state is refused here at once (409); one that races
 * another past this check is refused by the planner and lands in deploy.requests.dlq with the reason.
 */
public final class PlannerApi extends VerticleBase {
    static final String SOURCE = "/kanary/planner/http";
    private static final int MAX_BODY_BYTES = 64 * 1024;
    // Strict about names (a typo must not be silently ignored), lenient about the envelope fields
    // (eventId, schemaVersion) that the API fills in itself.
    private static final ObjectReader STRICT_REQUEST_READER = Json.mapper().readerFor(DeployRequest.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final ObjectReader ROLLBACK_BODY_READER = Json.mapper().readerFor(RollbackBody.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Supplier<PlannerView> view;
    private final Producer<String, byte[]> producer;
    private final String host;
    private final int port;
    private HttpServer server;

    public PlannerApi(Supplier<PlannerView> view, Producer<String, byte[]> producer, String host, int port) {
        this.view = view;
        this.producer = producer;
        this.host = host;
        this.port = port;
    }

    /** Body of POST /v1/deployments/{id}/rollback; both fields optional. */
    record RollbackBody(String reason, String operator) {
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
        router.post("/v1/deployments").handler(this::createDeployment);
        router.get("/v1/deployments").handler(this::listDeployments);
        router.get("/v1/deployments/:id").handler(this::getDeployment);
        router.post("/v1/deployments/:id/rollback").handler(this::rollback);
        router.get("/v1/hosts").handler(ctx -> json(ctx, 200, Map.of("hosts", view.get().hostsAt(Instant.now()))));
        router.errorHandler(404, ctx -> Problems.send(ctx, 404, "not-found", "Not found",
                "No route for " + ctx.request().method() + " " + ctx.request().path(), null));
        router.errorHandler(405, ctx -> Problems.send(ctx, 405, "method-not-allowed", "Method not allowed",
                ctx.request().method() + " is not allowed on " + ctx.request().path(), null));
        router.errorHandler(413, ctx -> Problems.send(ctx, 413, "body-too-large", "Body too large",
                "The body is larger than " + MAX_BODY_BYTES + " bytes", null));
        router.errorHandler(500, ctx -> Problems.send(ctx, 500, "internal", "Internal error",
                ctx.failure() == null ? "unexpected error" : ctx.failure().getMessage(), null));
        return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> server = s);
    }

    public int actualPort() {
        return server.actualPort();
    }

    private void createDeployment(RoutingContext ctx) {
        DeployRequest parsed;
        try {
            parsed = STRICT_REQUEST_READER.readValue(ctx.body().asString() == null ? "" : ctx.body().asString());
        } catch (JsonProcessingException e) {
            Problems.send(ctx, 400, "malformed-request", "Malformed deploy request", describe(e), List.of(violation(e)));
            return;
        }
        DeployRequest request = stamp(parsed);
        List<Violation> violations = RequestValidator.validate(request);
        if (!violations.isEmpty()) {
            Problems.send(ctx, 422, "invalid-request", "Invalid deploy request", violations.size() + " rule(s) broken: "
                    + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")), violations);
            return;
        }
        String conflict = conflict(request);
        if (conflict != null) {
            Problems.send(ctx, 409, "active-deployment", "Deployment conflict", conflict, null);
            return;
        }
        List<Violation> hostProblems = hostProblems(request);
        if (!hostProblems.isEmpty()) {
            Problems.send(ctx, 422, "unknown-hosts", "Unknown target hosts",
                    hostProblems.stream().map(Violation::rule).collect(Collectors.joining("; ")), hostProblems);
            return;
        }
        publish(ctx, new ProducerRecord<>(Topics.DEPLOY_REQUESTS.name(), null, request.service(),
                Topics.DEPLOY_REQUESTS.valueSerde().serializer().serialize(Topics.DEPLOY_REQUESTS.name(), request),
                CloudEvents.headers(request, SOURCE, null)), () -> {
            ctx.response().putHeader("Location", "/v1/deployments/" + request.deploymentId());
            json(ctx, 202, Map.of("deploymentId", request.deploymentId(), "service", request.service(),
                    "version", request.version(), "status", "REQUESTED",
                    "requestEventId", request.eventId(), "href", "/v1/deployments/" + request.deploymentId()));
        });
    }

    private void listDeployments(RoutingContext ctx) {
        json(ctx, 200, Map.of("deployments", view.get().list(ctx.queryParams().get("service"))));
    }

    private void getDeployment(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        view.get().deployment(id).ifPresentOrElse(d -> json(ctx, 200, d), () -> Problems.send(ctx, 404,
                "unknown-deployment", "Unknown deployment", "No deployment " + id
                        + " (it may still be on its way from deploy.requests: retry in a moment)", null));
    }

    private void rollback(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        RollbackBody body;
        try {
            String text = ctx.body().asString();
            body = text == null || text.isBlank() ? new RollbackBody(null, null) : ROLLBACK_BODY_READER.readValue(text);
        } catch (JsonProcessingException e) {
            Problems.send(ctx, 400, "malformed-request", "Malformed rollback request", describe(e), List.of(violation(e)));
            return;
        }
        DeploymentView deployment = view.get().deployment(id).orElse(null);
        if (deployment == null) {
            Problems.send(ctx, 404, "unknown-deployment", "Unknown deployment", "No deployment " + id, null);
            return;
        }
        if (deployment.phase() != Phase.ROLLING && deployment.phase() != Phase.PAUSED) {
            Problems.send(ctx, 409, "not-rollable", "Deployment cannot be rolled back",
                    "Deployment " + id + " is " + deployment.phase() + "; only a ROLLING or PAUSED deployment can be rolled back", null);
            return;
        }
        String operator = body.operator() == null || body.operator().isBlank() ? "operator" : body.operator();
        String reason = body.reason() == null || body.reason().isBlank() ? "rollback requested by " + operator : body.reason();
        RollbackCommand command = new RollbackCommand(Ids.newId(), KanaryEvent.SCHEMA_VERSION, id, deployment.service(),
                reason, null, operator, Instant.now());
        publish(ctx, new ProducerRecord<>(Topics.ROLLBACK_COMMANDS.name(), null, deployment.service(),
                Topics.ROLLBACK_COMMANDS.valueSerde().serializer().serialize(Topics.ROLLBACK_COMMANDS.name(), command),
                CloudEvents.headers(command, SOURCE, null)), () -> json(ctx, 202, Map.of("deploymentId", id,
                "status", "ROLLBACK_REQUESTED", "rollbackCommandId", command.eventId())));
    }

    private DeployRequest stamp(DeployRequest r) {
        String deploymentId = r.deploymentId() != null ? r.deploymentId()
                : (RequestValidator.isValidName(r.service()) ? r.service() : "deployment") + "-" + Ids.newId().substring(0, 8);
        return new DeployRequest(Ids.newId(), KanaryEvent.SCHEMA_VERSION, deploymentId, r.service(), r.version(), r.run(),
                r.hosts(), r.batchSize(), r.policy(), r.requestedBy() == null ? "http" : r.requestedBy(), Instant.now());
    }

    private String conflict(DeployRequest request) {
        PlannerView v = view.get();
        String active = v.activeByService().get(request.service());
        if (active != null) {
            DeploymentView d = v.deployments().get(active);
            return "service " + request.service() + " already has an active deployment, " + active + " ("
                    + d.version() + ", " + d.phase() + "); wait for it to end or roll it back";
        }
        if (v.deployments().containsKey(request.deploymentId())) {
            return "deployment id " + request.deploymentId() + " was used before";
        }
        return null;
    }

    private List<Violation> hostProblems(DeployRequest request) {
        PlannerView v = view.get();
        List<Violation> unknown = request.hosts().stream().filter(h -> !v.knownHosts().contains(h))
                .map(h -> new Violation("hosts", "unknown host " + h + "; known hosts: " + v.knownHosts())).toList();
        if (!unknown.isEmpty()) {
            return unknown;
        }
        List<Violation> gone = v.goneHosts(request.hosts(), Instant.now());
        if (!gone.isEmpty()) {
            return gone;
        }
        boolean anyRunning = v.deployments().values().stream()
                .anyMatch(d -> d.service().equals(request.service()) && d.phase() == Phase.SUCCEEDED);
        if (request.hosts().isEmpty() && !anyRunning) {
            return List.of(new Violation("hosts", "no host runs " + request.service()
                    + " yet; name the target hosts (known: " + v.knownHosts() + ")"));
        }
        return List.of();
    }

    private void publish(RoutingContext ctx, ProducerRecord<String, byte[]> record, Runnable onSent) {
        Context context = vertx.getOrCreateContext();
        producer.send(record, (metadata, error) -> context.runOnContext(v -> {
            if (error != null) {
                Problems.send(ctx, 503, "kafka-unavailable", "Kafka unavailable",
                        "Could not write to " + record.topic() + ": " + error.getMessage(), null);
            } else {
                onSent.run();
            }
        }));
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(Json.mapper().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    private static Violation violation(JsonProcessingException e) {
        String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                ? m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining(".")).replace(".[", "[")
                : "(body)";
        return new Violation(field, describe(e));
    }

    private static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field \"" + u.getPropertyName() + "\"; known fields: " + u.getKnownPropertyIds();
        }
        String message = e.getOriginalMessage();
        return message == null ? "not valid JSON" : message.split("\n")[0];
    }
}
