package io.kanary.planner.http;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Json;
import io.kanary.kafka.JsonSerde;
import io.kanary.kafka.NullElements;
import io.kanary.kafka.Topics;
import io.kanary.planner.kafka.RequestDecisions;
import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.planner.http.auth.ApiGuard;
import io.kanary.planner.http.auth.Principal;
import io.kanary.planner.state.ControlRules;
import io.kanary.planner.state.Phase;
import io.kanary.planner.state.Rejection;
import io.kanary.planner.state.RequestValidator;
import io.kanary.planner.state.StepPlanner;
import io.kanary.planner.state.Violation;
import io.kanary.schema.ControlCommand;
import io.kanary.planner.state.Revision;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Hooks;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import io.kanary.schema.Step;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RollbackCommand;
import io.kanary.security.RunAllowList;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner's HTTP API. It reads the planner's published view and writes requests to Kafka
 * (deploy.requests, rollback.commands): the planner acts on them as on any producer's.
 * A request that clashes with the current state is refused here at once (409). One that passes
 * is published, and the answer waits briefly for the planner loop's decision on it: a request
 * that raced another past the first check is refused in its answer (409/422), not accepted and
 * then lost; only when no decision comes in time is the answer a bare 202 (still requested).
 *
 * <p>Every error, from routing, parsing or the HTTP codec itself (a URL too long), is an RFC 9457
 * problem; no exception text reaches a client.
 */
public final class PlannerApi extends VerticleBase {
    static final String SOURCE = "/kanary/planner/http";
    private static final Logger LOG = LoggerFactory.getLogger(PlannerApi.class);
    private static final int MAX_BODY_BYTES = 64 * 1024;
    /** How long a POST waits for the planner loop to start or refuse the deployment before answering 202. */
    static final Duration DECISION_WAIT = Duration.ofSeconds(5);
    // Strict about names (a typo must not be silently ignored), lenient about the envelope fields
    // (eventId, schemaVersion) that the API fills in itself.
    private static final ObjectReader STRICT_REQUEST_READER = Json.mapper().readerFor(DeployRequest.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final ObjectReader ROLLBACK_BODY_READER = Json.mapper().readerFor(RollbackBody.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectReader REDEPLOY_BODY_READER = Json.mapper().readerFor(RedeployBody.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectReader CONTROL_BODY_READER = Json.mapper().readerFor(ControlBody.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** The client's idempotency key becomes an event id: it must be one (and never carry a header or a path). */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Pattern IDEMPOTENCY_KEY_FORMAT = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final Supplier<PlannerView> view;
    private final Producer<String, byte[]> producer;
    private final String host;
    private final int port;
    private final ApiAuth auth;
    private final RunAllowList allowList;
    private HttpServer server;
    private RequestDecisions decisions;
    private CompletableFuture<Void> loopStopped = new CompletableFuture<>();
    private io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> metrics;

    public PlannerApi(Supplier<PlannerView> view, Producer<String, byte[]> producer, String host, int port,
                      ApiAuth auth, RunAllowList allowList) {
        this.view = view;
        this.producer = producer;
        this.host = host;
        this.port = port;
        this.auth = auth;
        this.allowList = allowList;
    }

    /**
     * Answers POSTs with the planner loop's decision ({@code decisions}), and refuses them with 503
     * once the loop has stopped ({@code loopStopped}). Without it every accepted POST answers 202 at once.
     */
    public PlannerApi withDecisions(RequestDecisions decisions, CompletableFuture<Void> loopStopped) {
        this.decisions = decisions;
        this.loopStopped = loopStopped;
        return this;
    }

    /**
     * Serves {@code GET /metrics} with {@code metrics}, without a credential (like a health endpoint:
     * Prometheus scrapes it, and it tells nothing a deployment's events do not).
     */
    public PlannerApi withMetrics(io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> metrics) {
        this.metrics = metrics;
        return this;
    }

    /** Body of POST /v1/deployments/{id}/rollback; both fields optional. */
    record RollbackBody(String reason, String operator) {
    }

    /** Body of undo, retry and restart; every field optional, {@code toRevision} only for undo. */
    record RedeployBody(Integer toRevision, String reason) {
    }

    /** Body of the controls (pause, resume, abort, promote, cancel); every field optional, {@code full} only for promote. */
    record ControlBody(String reason, Boolean full) {
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        if (metrics != null) {
            router.get("/metrics").handler(metrics); // before the guard: a scraper carries no credential
        }
        router.route().handler(ApiGuard.of(auth, host)); // first: every route needs a credential and a role
        router.route().handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
        router.post("/v1/deployments").handler(this::createDeployment);
        router.get("/v1/deployments").handler(this::listDeployments);
        router.get("/v1/deployments/:id").handler(this::getDeployment);
        router.post("/v1/deployments/:id/rollback").handler(this::rollback);
        for (ControlCommand.Action action : ControlCommand.Action.values()) {
            router.post("/v1/deployments/:id/" + action.word()).handler(ctx -> control(ctx, action));
        }
        router.get("/v1/services/:service/revisions").handler(this::revisions);
        router.post("/v1/services/:service/undo").handler(this::undo);
        router.post("/v1/services/:service/restart").handler(this::restart);
        router.post("/v1/deployments/:id/retry").handler(this::retry);
        router.get("/v1/hosts").handler(ctx -> json(ctx, 200, Map.of("hosts", view.get().hostsAt(Instant.now()))));
        router.errorHandler(404, ctx -> Problems.send(ctx, 404, "not-found", "Not found",
                "No route for " + ctx.request().method() + " " + ctx.request().path(), null));
        router.errorHandler(405, ctx -> Problems.send(ctx, 405, "method-not-allowed", "Method not allowed",
                ctx.request().method() + " is not allowed on " + ctx.request().path(), null));
        router.errorHandler(413, ctx -> Problems.send(ctx, 413, "body-too-large", "Body too large",
                "The body is larger than " + MAX_BODY_BYTES + " bytes", null));
        router.errorHandler(400, ctx -> Problems.send(ctx, 400, "bad-request", "Bad request",
                "The request could not be read", null));
        // Every unhandled failure (an exception in a handler included) ends here: a problem, never the exception's text.
        router.errorHandler(500, PlannerApi::internalError);
        return vertx.createHttpServer().requestHandler(router).invalidRequestHandler(Problems::invalidRequest)
                .listen(port, host).onSuccess(s -> server = s);
    }

    public int actualPort() {
        return server.actualPort();
    }

    private void createDeployment(RoutingContext ctx) {
        if (loopStopped.isDone()) {
            Problems.send(ctx, 503, "planner-stopped", "Planner stopped", "The planner's loop has stopped, so no "
                    + "deployment can start; restart the planner (its log says why it stopped)", null);
            return;
        }
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(ctx.body().asString() == null ? "" : ctx.body().asString());
        } catch (JsonProcessingException e) {
            Problems.send(ctx, 400, "malformed-request", "Malformed deploy request", describe(e), List.of(violation(e)));
            return;
        }
        if (tree == null || !tree.isObject()) {
            Problems.send(ctx, 400, "malformed-request", "Malformed deploy request",
                    "The body must be a JSON object, e.g. {\"service\": \"web\", \"version\": \"v2\", \"run\": {...}}",
                    List.of(new Violation("(body)", "must be a JSON object")));
            return;
        }
        List<Violation> nulls = NullElements.in(tree).stream().map(at -> new Violation(at, "must not be null")).toList();
        if (!nulls.isEmpty()) {
            Problems.send(ctx, 422, "invalid-request", "Invalid deploy request", nulls.size() + " rule(s) broken: "
                    + nulls.stream().map(Violation::toString).collect(Collectors.joining("; ")), nulls);
            return;
        }
        DeployRequest parsed;
        try {
            parsed = STRICT_REQUEST_READER.readValue(tree);
        } catch (IOException e) {
            JsonProcessingException problem = e instanceof JsonProcessingException p ? p : null;
            Problems.send(ctx, 400, "malformed-request", "Malformed deploy request",
                    problem == null ? "not a valid deploy request" : describe(problem),
                    problem == null ? null : List.of(violation(problem)));
            return;
        }
        String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
        if (!validKey(ctx, key)) {
            return;
        }
        DeployRequest request = stamp(parsed, Principal.of(ctx), key);
        List<Violation> violations = RequestValidator.validate(request, allowList);
        if (!violations.isEmpty()) {
            Problems.send(ctx, 422, "invalid-request", "Invalid deploy request", violations.size() + " rule(s) broken: "
                    + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")), violations);
            return;
        }
        if ("true".equals(ctx.queryParams().get("dryRun"))) {
            dryRun(ctx, request);
            return;
        }
        submit(ctx, request, Map.of());
    }

    /**
     * Publishes a valid request on deploy.requests and answers with the planner loop's decision; a
     * request whose idempotency key was decided already is answered from that decision, not published again.
     */
    private void submit(RoutingContext ctx, DeployRequest request, Map<String, Object> extra) {
        if (decisions != null && decisions.await(request.eventId()).isDone()) {
            answerWithDecision(ctx, request, extra);
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
                CloudEvents.headers(request, SOURCE, null)), () -> answerWithDecision(ctx, request, extra));
    }

    /**
     * Waits up to {@link #DECISION_WAIT} for the planner loop's decision on {@code request}: 202 with
     * status ACCEPTED when the deployment started, its refusal (409/422) when it was refused, and 202
     * with status REQUESTED when the loop has not decided yet (its Location tells later).
     */
    private void answerWithDecision(RoutingContext ctx, DeployRequest request, Map<String, Object> extra) {
        awaitDecision(request.eventId(), decision -> {
            if (decision == null) {
                accepted(ctx, request, "REQUESTED", extra);
            } else if (decision.accepted()) {
                accepted(ctx, request, "ACCEPTED", extra);
            } else {
                refused(ctx, decision.rejection());
            }
        });
    }

    private void accepted(RoutingContext ctx, DeployRequest request, String status, Map<String, Object> extra) {
        ctx.response().putHeader("Location", "/v1/deployments/" + request.deploymentId());
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("deploymentId", request.deploymentId(),
                "service", request.service(), "version", request.version(), "status", status,
                "requestEventId", request.eventId(), "href", "/v1/deployments/" + request.deploymentId()));
        view.get().deployment(request.deploymentId()).ifPresent(d -> body.put("phase", d.phase().name()));
        body.putAll(extra);
        json(ctx, 202, body);
    }

    /** {@code ?dryRun=true}: the plan the request would produce (its steps over the target hosts), starting nothing. */
    private void dryRun(RoutingContext ctx, DeployRequest request) {
        List<String> targets = request.hosts().isEmpty() ? view.get().hostsRunning(request.service()) : request.hosts();
        List<Map<String, Object>> steps = StepPlanner.plan(targets, request).stream().map(step -> {
            Map<String, Object> json = new java.util.LinkedHashMap<>();
            json.put("kind", step.kind());
            if (step.isBatch()) {
                json.put("hosts", step.hosts());
            } else if (step.durationMs() != null) {
                json.put("durationMs", step.durationMs());
            }
            return json;
        }).toList();
        Map<String, Object> plan = new java.util.LinkedHashMap<>();
        plan.put("service", request.service());
        plan.put("version", request.version());
        plan.put("deploymentId", null);
        plan.put("steps", steps);
        plan.put("policy", request.policy());
        plan.put("run", request.run());
        if (request.hooks() != null) {
            plan.put("hooks", request.hooks());
        }
        json(ctx, 200, plan);
    }

    private static void refused(RoutingContext ctx, Rejection rejection) {
        if (rejection.conflict()) {
            Problems.send(ctx, 409, "active-deployment", rejection.title(), rejection.detail(), null);
        } else if (rejection.title().startsWith("Unknown")) {
            Problems.send(ctx, 422, "unknown-hosts", rejection.title(), rejection.detail(), rejection.violations());
        } else {
            Problems.send(ctx, 422, "invalid-request", rejection.title(), rejection.detail(), rejection.violations());
        }
    }

    /** One page, newest first; {@code next} (also a {@code Link} header) is the path of the following page, null on the last. */
    private void listDeployments(RoutingContext ctx) {
        DeploymentPages.Parsed parsed = DeploymentPages.parse(ctx.queryParams());
        if (parsed.query() == null) {
            Problems.send(ctx, 400, "invalid-query", "Invalid query", parsed.violations().size()
                    + " query parameter(s) cannot be used", parsed.violations());
            return;
        }
        DeploymentPages.Page page = DeploymentPages.page(view.get(), parsed.query());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deployments", page.deployments());
        body.put("next", page.next());
        if (page.next() != null) {
            ctx.response().putHeader("Link", "<" + page.next() + ">; rel=\"next\"");
        }
        json(ctx, 200, body);
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
            body = text == null || text.isBlank() ? null : ROLLBACK_BODY_READER.readValue(text);
            // An empty body and a JSON null both mean "no reason, no operator given".
            body = body == null ? new RollbackBody(null, null) : body;
        } catch (JsonProcessingException e) {
            Problems.send(ctx, 400, "malformed-request", "Malformed rollback request", describe(e), List.of(violation(e)));
            return;
        }
        DeploymentView deployment = view.get().deployment(id).orElse(null);
        if (deployment == null) {
            Problems.send(ctx, 404, "unknown-deployment", "Unknown deployment", "No deployment " + id, null);
            return;
        }
        if (deployment.phase() != Phase.ROLLING && deployment.phase() != Phase.PAUSED && deployment.phase() != Phase.WAITING) {
            Problems.conflict(ctx, "not-rollable", "Deployment cannot be rolled back", "Deployment " + id + " is "
                    + deployment.phase() + "; only a ROLLING, WAITING or PAUSED deployment can be rolled back",
                    deployment.phase().name());
            return;
        }
        String operator = Principal.of(ctx).name(); // who the credential says, never a self-declared name
        String reason = body.reason() == null || body.reason().isBlank() ? "rollback requested by " + operator : body.reason();
        RollbackCommand command = new RollbackCommand(Ids.newId(), KanaryEvent.SCHEMA_VERSION, id, deployment.service(),
                reason, null, operator, Instant.now());
        publish(ctx, new ProducerRecord<>(Topics.ROLLBACK_COMMANDS.name(), null, deployment.service(),
                Topics.ROLLBACK_COMMANDS.valueSerde().serializer().serialize(Topics.ROLLBACK_COMMANDS.name(), command),
                CloudEvents.headers(command, SOURCE, null)), () -> json(ctx, 202, Map.of("deploymentId", id,
                "status", "ROLLBACK_REQUESTED", "rollbackCommandId", command.eventId())));
    }

    /**
     * An operator's control: refused at once when the view says it cannot apply (409 naming the phase),
     * otherwise published on deploy.controls and answered with the planner loop's decision. With an
     * {@code Idempotency-Key} the key is the command's event id, so a repeated POST acts once and is
     * answered 202 again.
     */
    private void control(RoutingContext ctx, ControlCommand.Action action) {
        if (refuseWhenStopped(ctx)) {
            return;
        }
        String id = ctx.pathParam("id");
        ControlBody body = readControlBody(ctx, action);
        String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
        if (body == null || !validKey(ctx, key)) {
            return;
        }
        DeploymentView deployment = view.get().deployment(id).orElse(null);
        if (deployment == null) {
            Problems.send(ctx, 404, "unknown-deployment", "Unknown deployment", "No deployment " + id
                    + " (it may still be on its way from deploy.requests: retry in a moment)", null);
            return;
        }
        boolean full = Boolean.TRUE.equals(body.full());
        if (key != null && deployment.controlIds().contains(key)) {
            controlAccepted(ctx, action, id, key);
            return;
        }
        if (!ControlRules.allowedPhases(action, full).contains(deployment.phase())) {
            Problems.conflict(ctx, "not-applicable", "Control does not apply",
                    ControlRules.refusal(action, full, id, deployment.phase()), deployment.phase().name());
            return;
        }
        ControlCommand command = new ControlCommand(key != null ? key : Ids.newId(), KanaryEvent.SCHEMA_VERSION, id,
                deployment.service(), action, action == ControlCommand.Action.PROMOTE ? full : null,
                Principal.of(ctx).name(), body.reason() == null || body.reason().isBlank() ? null : body.reason(),
                Instant.now());
        publish(ctx, new ProducerRecord<>(Topics.DEPLOY_CONTROLS.name(), null, deployment.service(),
                Topics.DEPLOY_CONTROLS.valueSerde().serializer().serialize(Topics.DEPLOY_CONTROLS.name(), command),
                CloudEvents.headers(command, SOURCE, null)), () -> awaitDecision(command.eventId(), decision -> {
                    if (decision == null || decision.accepted()) {
                        controlAccepted(ctx, action, id, command.eventId());
                    } else if (Rejection.UNKNOWN_DEPLOYMENT.equals(decision.rejection().title())) {
                        Problems.send(ctx, 404, "unknown-deployment", "Unknown deployment", decision.rejection().detail(), null);
                    } else {
                        Problems.conflict(ctx, "not-applicable", decision.rejection().title(),
                                decision.rejection().detail(), decision.rejection().phase());
                    }
                }));
    }

    private void revisions(RoutingContext ctx) {
        String service = ctx.pathParam("service");
        json(ctx, 200, Map.of("service", service, "revisions", view.get().revisionsOf(service)));
    }

    /** Deploys a revision again ({@code toRevision}, by default the one before the current) as a new deployment. */
    private void undo(RoutingContext ctx) {
        String service = ctx.pathParam("service");
        RedeployBody body = readRedeployBody(ctx, "undo");
        if (body == null || refuseWhenStopped(ctx)) {
            return;
        }
        List<Revision> revisions = view.get().revisionsOf(service);
        int wanted = body.toRevision() != null ? body.toRevision() : revisions.size() - 1;
        if (body.toRevision() != null && (wanted < 1 || wanted > revisions.size())) {
            Problems.send(ctx, 404, "unknown-revision", "Unknown revision", service + " has no revision " + wanted
                    + "; it has " + revisions.size() + " (GET /v1/services/" + service + "/revisions lists them)", null);
            return;
        }
        if (wanted < 1) {
            Problems.conflict(ctx, "no-earlier-revision", "No earlier revision", service + " has " + revisions.size()
                    + " revision(s), so there is none before the current one to go back to", null);
            return;
        }
        Revision revision = revisions.get(wanted - 1);
        redeploy(ctx, service, revision.version(), revision.run(), revision.policy(), revision.hosts(), List.of(),
                DeployRequest.KIND_UNDO, "revision " + wanted + " (" + revision.deploymentId() + ")", Map.of("revision", wanted));
    }

    /** The current revision again: same version and run spec, new instances batch by batch. */
    private void restart(RoutingContext ctx) {
        String service = ctx.pathParam("service");
        RedeployBody body = readRedeployBody(ctx, "restart");
        if (body == null || refuseWhenStopped(ctx)) {
            return;
        }
        List<Revision> revisions = view.get().revisionsOf(service);
        if (revisions.isEmpty()) {
            Problems.conflict(ctx, "no-revision", "No revision", service + " has no revision to restart: no deployment "
                    + "of it succeeded yet", null);
            return;
        }
        Revision current = revisions.get(revisions.size() - 1);
        redeploy(ctx, service, current.version(), current.run(), current.policy(), current.hosts(), List.of(),
                DeployRequest.KIND_RESTART, "revision " + current.revision() + " (" + current.deploymentId() + ")",
                Map.of("revision", current.revision()));
    }

    /** A rolled-back, failed or aborted deployment's request again, as a new deployment. */
    private void retry(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        RedeployBody body = readRedeployBody(ctx, "retry");
        if (body == null || refuseWhenStopped(ctx)) {
            return;
        }
        DeploymentView d = view.get().deployment(id).orElse(null);
        if (d == null) {
            Problems.send(ctx, 404, "unknown-deployment", "Unknown deployment", "No deployment " + id, null);
            return;
        }
        if (d.started() == null || !List.of(Phase.ROLLED_BACK, Phase.FAILED, Phase.ABORTED).contains(d.phase())) {
            Problems.conflict(ctx, "not-retryable", "Deployment cannot be retried", "Deployment " + id + " is "
                    + d.phase() + "; only a ROLLED_BACK, FAILED or ABORTED deployment can be retried", d.phase().name());
            return;
        }
        DeploymentEvent.Started s = d.started();
        redeploy(ctx, s.service(), s.version(), s.run(), s.policy(), s.hosts(), StepPlanner.stepsOf(s.plan()),
                DeployRequest.KIND_RETRY, id, Map.of(), s.hooks());
    }

    private void redeploy(RoutingContext ctx, String service, String version, RunSpec run, Policy policy,
                          List<String> hosts, List<Step> steps, String kind, String cause, Map<String, Object> extra) {
        redeploy(ctx, service, version, run, policy, hosts, steps, kind, cause, extra, null);
    }

    /** @param hooks the hooks to run again (a retry repeats its request's), or null */
    private void redeploy(RoutingContext ctx, String service, String version, RunSpec run, Policy policy,
                          List<String> hosts, List<Step> steps, String kind, String cause, Map<String, Object> extra,
                          Hooks hooks) {
        String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
        if (!validKey(ctx, key)) {
            return;
        }
        String eventId = key != null ? key : Ids.newId();
        DeployRequest request = new DeployRequest(eventId, KanaryEvent.SCHEMA_VERSION, deploymentIdFor(service, eventId),
                service, version, run, hosts, steps.isEmpty() ? 1 : null, policy, Principal.of(ctx).name(), Instant.now(),
                steps, null, null, null, kind, cause, hooks);
        submit(ctx, request, extra);
    }

    private RedeployBody readRedeployBody(RoutingContext ctx, String verb) {
        try {
            String text = ctx.body().asString();
            RedeployBody body = text == null || text.isBlank() ? null : REDEPLOY_BODY_READER.readValue(text);
            body = body == null ? new RedeployBody(null, null) : body;
            if (body.toRevision() != null && !"undo".equals(verb)) {
                Problems.send(ctx, 400, "malformed-request", "Malformed " + verb + " request",
                        "\"toRevision\" belongs to undo only", List.of(new Violation("toRevision", "only for undo")));
                return null;
            }
            return body;
        } catch (JsonProcessingException e) {
            Problems.send(ctx, 400, "malformed-request", "Malformed " + verb + " request", describe(e),
                    List.of(violation(e)));
            return null;
        }
    }

    private ControlBody readControlBody(RoutingContext ctx, ControlCommand.Action action) {
        try {
            String text = ctx.body().asString();
            ControlBody body = text == null || text.isBlank() ? null : CONTROL_BODY_READER.readValue(text);
            body = body == null ? new ControlBody(null, null) : body;
            if (body.full() != null && action != ControlCommand.Action.PROMOTE) {
                Problems.send(ctx, 400, "malformed-request", "Malformed " + action.word() + " request",
                        "\"full\" belongs to promote only; leave it out of " + action.word(),
                        List.of(new Violation("full", "only for promote")));
                return null;
            }
            return body;
        } catch (JsonProcessingException e) {
            Problems.send(ctx, 400, "malformed-request", "Malformed " + action.word() + " request", describe(e),
                    List.of(violation(e)));
            return null;
        }
    }

    private static boolean validKey(RoutingContext ctx, String key) {
        if (key == null || IDEMPOTENCY_KEY_FORMAT.matcher(key).matches()) {
            return true;
        }
        Problems.send(ctx, 400, "bad-idempotency-key", "Bad Idempotency-Key", "The Idempotency-Key header must be "
                + "1 to 128 letters, digits or . _ : - (a UUID is a good key)", List.of(new Violation(IDEMPOTENCY_KEY,
                "1 to 128 of A-Z a-z 0-9 . _ : -")));
        return false;
    }

    /** 202 with the deployment's phase as the view shows it once the loop's decision is published. */
    private void controlAccepted(RoutingContext ctx, ControlCommand.Action action, String deploymentId, String controlId) {
        DeploymentView now = view.get().deployment(deploymentId).orElse(null);
        ctx.response().putHeader("Location", "/v1/deployments/" + deploymentId);
        json(ctx, 202, Map.of("deploymentId", deploymentId, "phase", now == null ? "REQUESTED" : now.phase().name(),
                "action", action.word(), "controlId", controlId));
    }

    private boolean refuseWhenStopped(RoutingContext ctx) {
        if (!loopStopped.isDone()) {
            return false;
        }
        Problems.send(ctx, 503, "planner-stopped", "Planner stopped", "The planner's loop has stopped, so nothing "
                + "can change; restart the planner (its log says why it stopped)", null);
        return true;
    }

    /**
     * Calls {@code then} on the HTTP context with the planner loop's decision on event {@code eventId},
     * or with null when none comes within {@link #DECISION_WAIT} (or the API runs without a loop).
     */
    private void awaitDecision(String eventId, Consumer<RequestDecisions.Decision> then) {
        if (decisions == null) {
            then.accept(null);
            return;
        }
        Context context = vertx.getOrCreateContext();
        CompletableFuture<RequestDecisions.Decision> waiter = decisions.await(eventId);
        waiter.completeOnTimeout(null, DECISION_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((decision, error) -> context.runOnContext(v -> {
                    if (decision == null) {
                        decisions.forget(eventId, waiter);
                    }
                    then.accept(decision);
                }));
    }

    /** A new deployment's id: the service's name and 8 hex digits derived from the request's event id (so a retried key gets the same id). */
    static String deploymentIdFor(String service, String eventId) {
        String hash = Integer.toHexString(eventId.hashCode() & 0x7fffffff | 0x10000000).substring(0, 8);
        return (RequestValidator.isValidName(service) && service.length() <= 54 ? service : "deployment") + "-" + hash;
    }

    private DeployRequest stamp(DeployRequest r, Principal principal, String key) {
        String eventId = key != null ? key : Ids.newId();
        String deploymentId = r.deploymentId() != null ? r.deploymentId() : deploymentIdFor(r.service(), eventId);
        return new DeployRequest(eventId, KanaryEvent.SCHEMA_VERSION, deploymentId, r.service(), r.version(), r.run(),
                r.hosts(), r.batchSize(), r.policy(), principal.name(), Instant.now(), r.steps(), r.onBusy(), r.needs(),
                r.hostSelector(), r.kind(), r.cause(), r.hooks());
    }

    private String conflict(DeployRequest request) {
        PlannerView v = view.get();
        String active = v.activeByService().get(request.service());
        // Only a request that asks to be refused is; the others queue or supersede (the planner decides).
        if (active != null && DeployRequest.REFUSE.equals(request.effectiveOnBusy())) {
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
        if (request.hosts().isEmpty() && request.hostSelector().isEmpty() && !anyRunning) {
            return List.of(new Violation("hosts", "no host runs " + request.service()
                    + " yet; name the target hosts (known: " + v.knownHosts() + ")"));
        }
        return List.of();
    }

    /**
     * Sends on a worker thread, never on the event loop: {@code send} blocks while the producer has no
     * metadata for the topic (up to {@code max.block.ms}), and a blocked event loop stalls every request.
     */
    private void publish(RoutingContext ctx, ProducerRecord<String, byte[]> record, Runnable onSent) {
        Context context = vertx.getOrCreateContext();
        Consumer<Throwable> unavailable = error -> Problems.send(ctx, 503, "kafka-unavailable", "Kafka unavailable",
                "Could not write to " + record.topic() + ": " + error.getMessage() + "; check that Kafka is reachable "
                        + "and retry", null);
        vertx.executeBlocking(() -> producer.send(record, (metadata, error) -> context.runOnContext(v -> {
            if (error != null) {
                unavailable.accept(error);
            } else {
                onSent.run();
            }
        })), false).onFailure(error -> context.runOnContext(v -> unavailable.accept(error)));
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
        String field = e instanceof JsonMappingException m && !m.getPath().isEmpty() ? JsonSerde.path(m) : "(body)";
        return new Violation(field, describe(e));
    }

    /** What is wrong, in words a client can act on: never a Java class name or an exception's text. */
    static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field \"" + u.getPropertyName() + "\"; known fields: " + u.getKnownPropertyIds();
        }
        if (e instanceof ValueInstantiationException v) {
            Throwable cause = v.getCause();
            return cause instanceof IllegalArgumentException && cause.getMessage() != null
                    ? cause.getMessage() : "null is not allowed there";
        }
        if (e instanceof InvalidTypeIdException t && t.getBaseType() != null) {
            return (t.getTypeId() == null ? "needs a \"kind\"" : "has an unknown kind \"" + t.getTypeId() + "\"")
                    + "; known kinds: " + kinds(t.getBaseType().getRawClass());
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "must be " + expected(m.getTargetType());
        }
        if (e instanceof StreamReadException) {
            String message = e.getOriginalMessage();
            return message == null ? "not valid JSON" : "not valid JSON: " + message.split("\n")[0];
        }
        return "not a valid deploy request";
    }

    /** The type names a polymorphic type accepts, e.g. [http, tcp, command] for a health check. */
    private static List<String> kinds(Class<?> base) {
        JsonSubTypes subTypes = base.getAnnotation(JsonSubTypes.class);
        if (subTypes == null) {
            JsonTypeName name = base.getAnnotation(JsonTypeName.class);
            return name == null ? List.of() : List.of(name.value());
        }
        return Arrays.stream(subTypes.value()).map(t -> t.value().getAnnotation(JsonTypeName.class))
                .filter(n -> n != null).map(JsonTypeName::value).toList();
    }

    private static String expected(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type == java.time.Instant.class) {
            return "an ISO-8601 time, e.g. \"2025-03-14T09:26:53Z\"";
        }
        return "a JSON object";
    }

    private static void internalError(RoutingContext ctx) {
        if (ctx.failure() != null) {
            LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
        }
        Problems.send(ctx, 500, "internal", "Internal error",
                "The planner could not answer this request; its log has the details", null);
    }

}
