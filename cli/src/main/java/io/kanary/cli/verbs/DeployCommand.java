package io.kanary.cli.verbs;

import io.kanary.cli.PlannerVerb;
import io.kanary.cli.client.DeployRequests;
import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * kanary deploy: asks the planner to roll a version out. {@code --version} is the service's version
 * here, so this verb has -h/--help but no -V (kanary's own version is {@code kanary --version}).
 */
@Command(name = "deploy",
        description = {"Roll a new version of a service out, a batch of hosts at a time. Each batch advances only when "
                + "every updated instance passed its health gate; a breach of the policy rolls every updated host back "
                + "by itself."},
        footer = {"", "Examples:",
                "  kanary deploy --service web --version v2 --health-path / \\",
                "      --hosts host-1,host-2,host-3 -- python3 -m http.server '{port}'",
                "  kanary deploy --service web --version v3 --max-error-rate 0.02 \\",
                "      --batch-size 2 --env MODE=prod -- ./web",
                "", "The command after -- is started as an argv list, never through a shell; {port} and env PORT give "
                + "the port the executor chose for the instance."})
public final class DeployCommand implements Callable<Integer> {
    private static final String DEFAULT_PLANNER = "http://127.0.0.1:8080";

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

    @Option(names = "--batch-size", defaultValue = "1", description = "Hosts updated at a time (default: ${DEFAULT-VALUE}).")
    int batchSize;

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

    @Parameters(paramLabel = "COMMAND", description = "The argv to start each instance with (process driver), after --.")
    List<String> command = List.of();

    @Override
    public Integer call() {
        JsonNode answer = planner.client().post("v1/deployments", request());
        String id = answer.path("deploymentId").asText();
        PrintWriter out = planner.out();
        out.printf("deployment %s requested: %s %s%n", id, service, version);
        String plannerFlag = DEFAULT_PLANNER.equals(planner.url()) ? "" : " --planner " + planner.url();
        out.printf("follow it with:  kanary status %s%s   or   kanary watch%n", id, plannerFlag);
        return 0;
    }

    /** The request as the planner's API takes it; the API fills in the event id, schema version and time. */
    public DeployRequest request() {
        return DeployRequests.of(deploymentId, service, version, new RunSpec(image, command, env, healthPath, null),
                hosts, batchSize, new Policy(maxErrorRate, maxP99Ms, windowMs, minSamples, probeIntervalMs, healthyProbes,
                minHealthyMs, healthDeadlineMs), "cli:" + System.getProperty("user.name", "unknown"));
    }
}
