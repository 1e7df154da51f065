package io.kanary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kanary deploy: asks the planner to roll a version out. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Roll a new version of a service out, a batch of hosts at a time.",
                "Each batch advances only when every updated instance passed its health gate; a breach of the",
                "policy rolls every updated host back by itself."},
        footer = {"", "Examples:",
                "  kanary deploy --service web --version v2 --hosts host-1,host-2,host-3 -- java -jar web.jar --port {port}",
                "  kanary deploy --service web --version v3 --max-error-rate 0.02 --batch-size 2 --env MODE=prod -- ./web",
                "", "The command after -- is started as an argv list, never through a shell; {port} and env PORT give",
                "the port the executor chose for the instance."})
final class DeployCommand implements Callable<Integer> {
    @Mixin
    PlannerOption planner;

    @Option(names = "--service", required = true, description = "Service to deploy, e.g. web.")
    String service;

    @Option(names = "--version", required = true, description = "Version to roll out, e.g. v2.")
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

    @Option(names = "--health-path", defaultValue = "/health", description = "Path probed on each instance (default: ${DEFAULT-VALUE}).")
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
        Map<String, Object> request = new LinkedHashMap<>();
        if (deploymentId != null) {
            request.put("deploymentId", deploymentId);
        }
        request.put("service", service);
        request.put("version", version);
        request.put("run", new RunSpec(image, command, env, healthPath, null));
        request.put("hosts", hosts);
        request.put("batchSize", batchSize);
        request.put("policy", new Policy(maxErrorRate, maxP99Ms, windowMs, minSamples, probeIntervalMs, healthyProbes,
                minHealthyMs, healthDeadlineMs));
        request.put("requestedBy", "cli:" + System.getProperty("user.name", "unknown"));
        JsonNode answer = planner.client().post("v1/deployments", request);
        System.out.printf("deployment %s requested: %s %s%n", answer.path("deploymentId").asText(), service, version);
        System.out.printf("follow it with:  kanary status %s   or   kanary watch%n", answer.path("deploymentId").asText());
        return 0;
    }
}
