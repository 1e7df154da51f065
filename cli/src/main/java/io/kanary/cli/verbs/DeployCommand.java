package io.kanary.cli.verbs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kanary.cli.DurationConverter;
import io.kanary.cli.PlannerVerb;
import io.kanary.cli.client.DeployRequests;
import io.kanary.cli.rollout.DeploymentWaiter;
import io.kanary.cli.rollout.PlanPrinter;
import io.kanary.cli.rollout.StepList;
import io.kanary.kafka.Json;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.HealthCheck;
import io.kanary.schema.Hooks;
import io.kanary.schema.Policy;
import io.kanary.schema.TrafficSource;
import io.kanary.schema.RunSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * kanary deploy: asks the planner to roll a version out. {@code --version} is the service's version
 * here, so this verb has -h/--help but no -V (kanary's own version is {@code kanary --version}).
 */
@Command(name = "deploy",
        description = {"Roll a new version of a service out, a batch or a step at a time.",
                "Roll a new version of a service out, a batch of hosts at a time. Each batch advances only when "
                + "every updated instance passed its health gate; a breach of the policy rolls every updated host back "
                + "by itself."},
        footer = {"", "Examples:",
                "  kanary deploy --service web --version v2 --health-path / \\",
                "      --hosts host-1,host-2,host-3 -- python3 -m http.server '{port}'",
                "  kanary deploy --service web --version v3 --max-error-rate 0.02 \\",
                "      --batch-size 2 --env MODE=prod -- ./web",
                "  kanary deploy --service web --version v4 --steps 1,pause=2m,50%%,approve,100%% \\",
                "      --selector env=prod --needs web-staging-4 --wait --timeout 30m -- ./web",
                "  kanary deploy --service web --version v5 --hosts host-1,host-2 \\",
                "      --pre-deploy-arg /usr/local/bin/backup-db --pre-deploy-arg --label=before-v5 \\",
                "      --smoke-arg /usr/local/bin/smoke --smoke-arg '{port}' --hook-timeout 2m -- ./web",
                "", "The command after -- is started as an argv list, never through a shell; {port} and env PORT give "
                + "the port the executor chose for the instance.",
                "", "Exit codes: 0 requested (with --wait: SUCCEEDED; with --dry-run: valid); 1 refused (invalid request); "
                + "2 a bad flag; 3 the planner cannot be reached; 4 the service is busy and --on-busy refuse (409); "
                + "with --wait also 5 ROLLED_BACK, 6 FAILED, 7 ABORTED or CANCELLED, 8 still active at --timeout."})
public final class DeployCommand implements Callable<Integer> {
    @Mixin
    PlannerVerb planner;

    @Option(names = "--service", required = true, description = "Service to deploy, e.g. web.")
    String service;

    @Option(names = "--version", required = true, description = "Version of the service to roll out, e.g. v2.")
    String version;

    @Option(names = "--id", description = "Deployment id (default: <service>-<random>).")
    String deploymentId;

    @Option(names = "--hosts", split = ",", description = "Target hosts (default: every host now running the service).")
    List<String> hosts = List.of();

    @Option(names = "--batch-size", description = "Hosts updated at a time (default: " + DeployRequest.DEFAULT_BATCH_SIZE
            + "); or give --steps.")
    Integer batchSize;

    @Option(names = "--steps", converter = StepList.Converter.class, paramLabel = "STEPS",
            description = "Steps instead of equal batches, comma-separated: a host count (2), a share of the targets "
                    + "(50%%), a timed pause (pause=2m; judgement goes on) or an approval (approve; waits for "
                    + "'kanary promote'), e.g. 1,pause=2m,50%%,approve,100%%.")
    StepList steps;

    @Option(names = "--on-busy", paramLabel = "queue|refuse|supersede",
            description = "When the service already has an active deployment: queue (wait for it to end; the planner's "
                    + "default), refuse (exit 4), or supersede (abort it, then start this one).")
    OnBusy onBusy;

    @Option(names = "--needs", paramLabel = "DEPLOYMENT",
            description = "A deployment that must have SUCCEEDED before this one starts (e.g. the staging rollout).")
    String needs;

    @Option(names = "--selector", paramLabel = "LABEL=VALUE",
            description = "Target the live hosts whose labels match, e.g. env=staging; repeatable (all must match).")
    Map<String, String> selector = new LinkedHashMap<>();

    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "Makes a repeat of this request act once (default: a fresh one per invocation; a CI job "
                    + "that retries gives its own, e.g. its pipeline id).")
    String idempotencyKey = UUID.randomUUID().toString();

    @Option(names = "--dry-run", description = "Only check the request and print the plan it would produce; start nothing.")
    boolean dryRun;

    @Option(names = "--wait", description = "Wait until the deployment ends; the exit code says how (see below).")
    boolean waitForEnd;

    @Mixin
    WaitTiming timing;

    @Option(names = "--image", description = "Container image, for the docker driver.")
    String image;

    @Option(names = "--env", description = "Environment of the new instances, KEY=VALUE; repeatable.")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--health-path", defaultValue = "/health",
            description = "Path probed on each instance; it must answer 2xx when healthy (default: ${DEFAULT-VALUE}).")
    String healthPath;

    @Option(names = "--max-error-rate", description = "Largest tolerated error rate, 0..1 (default: " + Policy.DEFAULT_MAX_ERROR_RATE + ").")
    Double maxErrorRate;

    @Option(names = "--max-p99-ms", description = "Largest tolerated p99 latency in ms (default: " + Policy.DEFAULT_MAX_P99_LATENCY_MS + ").")
    Long maxP99Ms;

    @Option(names = "--window-ms", description = "How far back a verdict's evidence may reach, ms (default: " + Policy.DEFAULT_WINDOW_MS + ").")
    Long windowMs;

    @Option(names = "--min-samples", description = "Probes needed before any verdict (default: " + Policy.DEFAULT_MIN_SAMPLES + ").")
    Integer minSamples;

    @Option(names = "--probe-interval-ms", description = "Probe interval per instance (default: " + Policy.DEFAULT_PROBE_INTERVAL_MS + ").")
    Long probeIntervalMs;

    @Option(names = "--healthy-probes", description = "Consecutive good probes to pass the gate (default: " + Policy.DEFAULT_HEALTHY_PROBES + ").")
    Integer healthyProbes;

    @Option(names = "--min-healthy-ms", description = "How long an instance must stay healthy (default: " + Policy.DEFAULT_MIN_HEALTHY_MS + ").")
    Long minHealthyMs;

    @Option(names = "--health-deadline-ms", description = "Time a batch has to become healthy (default: " + Policy.DEFAULT_HEALTH_DEADLINE_MS + ").")
    Long healthDeadlineMs;

    @Option(names = "--traffic-metrics", paramLabel = "PATH",
            description = "Also judge the instances' real traffic: the health-watcher reads their Prometheus metrics at PATH "
                    + "(e.g. /metrics) every second, with Micrometer's names (http_server_requests_seconds_count and _bucket, "
                    + "label status, 5xx failed). Without it the version is judged by probes only.")
    String trafficMetrics;

    @Option(names = "--pre-deploy-arg", paramLabel = "WORD",
            description = "One word of a command that must succeed before the first batch starts (a backup before a "
                    + "migration); repeat it for each word, e.g. --pre-deploy-arg /usr/local/bin/backup-db "
                    + "--pre-deploy-arg --label=before-v4. It fails the rollout (rolled back) when it exits non-zero.")
    List<String> preDeployArgs = new ArrayList<>();

    @Option(names = "--pre-deploy-host", paramLabel = "HOST",
            description = "The host that runs the pre-deploy command (default: the first target host).")
    String preDeployHost;

    @Option(names = "--smoke-arg", paramLabel = "WORD",
            description = "One word of a smoke test run on each host of a batch once its health gates pass; the next "
                    + "batch starts only when it exits 0 on every host, and a failure rolls back. {port} is the port of "
                    + "the service's instance on that host, e.g. --smoke-arg /usr/local/bin/smoke --smoke-arg '{port}'.")
    List<String> smokeArgs = new ArrayList<>();

    @Option(names = "--smoke-http", paramLabel = "PATH",
            description = "An HTTP check in each batch's smoke test: GET PATH on each updated instance must answer 2xx; "
                    + "repeatable.")
    List<String> smokeHttp = new ArrayList<>();

    @Option(names = "--hook-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long each hook may run before it is killed and fails, e.g. 90s, 10m (default: 5m for the "
                    + "pre-deploy command, 60s for a smoke test).")
    Duration hookTimeout;

    @Option(names = "--hooks", paramLabel = "FILE",
            description = "The hooks as JSON, the API's \"hooks\" field ({\"preDeploy\": {...}, \"smoke\": {...}}), "
                    + "instead of the hook flags above.")
    Path hooksFile;

    @Parameters(paramLabel = "COMMAND", description = "The argv to start each instance with (process driver), after --.")
    List<String> command = List.of();

    @Override
    public Integer call() throws InterruptedException {
        if (steps != null && batchSize != null) {
            throw new ParameterException(planner.spec().commandLine(),
                    "give either --batch-size or --steps, not both: --steps already says how many hosts each batch takes");
        }
        PrintWriter out = planner.out();
        if (dryRun) {
            PlanPrinter.print(planner.client().post("v1/deployments?dryRun=true", json(), idempotencyKey), out);
            return 0;
        }
        JsonNode answer = planner.client().post("v1/deployments", json(), idempotencyKey);
        String id = answer.path("deploymentId").asText();
        String phase = answer.path("phase").asText("ROLLING");
        out.printf("deployment %s requested: %s %s (%s)%n", id, service, version, phase);
        if ("QUEUED".equals(phase)) {
            out.printf("it waits until the active deployment of %s ends; cancel it with:  %s%n", service,
                    planner.hints().kanary("cancel " + id));
        }
        if (waitForEnd) {
            return new DeploymentWaiter(planner.client(), out, planner.hints(), timing.timeout, timing.poll).await(id, true);
        }
        String kafka = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        out.printf("follow it with:  %s   or   %s   or   kanary watch --service %s%s%n", planner.hints().kanary("status " + id),
                planner.hints().kanary("wait " + id), service, kafka == null ? "" : " --bootstrap-server " + kafka);
        return 0;
    }

    /** The request's JSON: the record's fields, and the ones it has no component for (steps, queueing, targeting). */
    ObjectNode json() {
        ObjectNode json = Json.mapper().valueToTree(request());
        if (steps != null) {
            json.remove("batchSize");
            json.set("steps", steps.json());
        }
        if (onBusy != null) {
            json.put("onBusy", onBusy.name().toLowerCase(Locale.ROOT));
        }
        if (needs != null) {
            json.put("needs", needs);
        }
        if (!selector.isEmpty()) {
            json.set("hostSelector", Json.mapper().valueToTree(selector));
        }
        return json;
    }

    /** The hooks the flags or the --hooks file give; null when none do. */
    Hooks hooks() {
        boolean flags = !preDeployArgs.isEmpty() || preDeployHost != null || !smokeArgs.isEmpty() || !smokeHttp.isEmpty()
                || hookTimeout != null;
        if (hooksFile != null && flags) {
            throw new ParameterException(planner.spec().commandLine(), "give either --hooks FILE or the hook flags "
                    + "(--pre-deploy-arg, --pre-deploy-host, --smoke-arg, --smoke-http, --hook-timeout), not both");
        }
        if (hooksFile != null) {
            return readHooks(hooksFile);
        }
        if (preDeployArgs.isEmpty() && preDeployHost != null) {
            throw new ParameterException(planner.spec().commandLine(),
                    "--pre-deploy-host needs a pre-deploy command: give it with --pre-deploy-arg, one per word");
        }
        Long timeoutMs = hookTimeout == null ? null : hookTimeout.toMillis();
        Hooks.PreDeploy pre = preDeployArgs.isEmpty() ? null : new Hooks.PreDeploy(preDeployArgs, timeoutMs, preDeployHost);
        Hooks.Smoke smoke = smokeArgs.isEmpty() && smokeHttp.isEmpty() ? null : new Hooks.Smoke(smokeArgs, timeoutMs,
                smokeHttp.stream().map(path -> new HealthCheck.Http(path, null, null, null)).toList());
        return pre == null && smoke == null ? null : new Hooks(pre, smoke);
    }

    private Hooks readHooks(Path file) {
        try {
            return Json.mapper().readerFor(Hooks.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(file.toFile());
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.toString();
            throw new ParameterException(planner.spec().commandLine(), "could not read the hooks in " + file + ": "
                    + why.split("\n")[0] + "; write them as the API's hooks field, e.g. {\"preDeploy\": {\"command\": "
                    + "[\"/usr/local/bin/backup-db\"]}}");
        }
    }

    /** The policy's traffic source: {@code --traffic-metrics} with every other setting at its default, or none. */
    private TrafficSource trafficSource() {
        return trafficMetrics == null ? null : new TrafficSource(trafficMetrics, null, null, null, null, null);
    }

    /** What to do when the service is busy, as the API's {@code onBusy} names it. */
    enum OnBusy { QUEUE, REFUSE, SUPERSEDE }

    /** The request as the planner's API takes it; the API fills in the event id, schema version and time. */
    public DeployRequest request() {
        return DeployRequests.of(deploymentId, service, version, new RunSpec(image, command, env, healthPath, null),
                hosts, batchSize, new Policy(maxErrorRate, maxP99Ms, windowMs, minSamples, probeIntervalMs, healthyProbes,
                minHealthyMs, healthDeadlineMs).withTraffic(trafficSource()), "cli:" + System.getProperty("user.name", "unknown")).withHooks(hooks());
    }
}
