package io.kanary.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.demo.DemoImages;
import io.kanary.cli.UserError;
import io.kanary.cli.client.DeployRequests;
import io.kanary.cli.client.PlannerClient;
import io.kanary.cli.rollout.RolloutPhase;
import io.kanary.cli.stack.Driver;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import io.kanary.schema.TrafficSource;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo of {@code kanary up --demo}: a fleet of demo-app v1 on three hosts, then v2 (failing
 * 30% of its requests) rolled out one host at a time — breached and rolled back by itself — then
 * v3 (healthy), which succeeds. Everything goes through the planner's public HTTP API, as a user's
 * requests would.
 */
public final class DemoScenario {
    public static final String SERVICE = "demo";
    /**
     * Evidence reaching back up to the default 5 min, at least 20 probes; 10 probes/s per instance; a host is healthy
     * after 5 good probes spanning 2 s; each instance's request metrics read every second (the demo's load generator
     * sends them real traffic), with Micrometer's conventions, which demo-app follows.
     */
    public static final Policy POLICY = new Policy(0.10, 2_000L, null, 20, 100L, 5, 2_000L, 30_000L)
            .withTraffic(TrafficSource.defaults());
    private static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(90);

    private final PlannerClient planner;
    private final List<String> hosts;
    private final Driver driver;
    private final PrintStream out;
    private final Duration outcomeTimeout;

    public DemoScenario(PlannerClient planner, List<String> hosts, Driver driver, PrintStream out) {
        this(planner, hosts, driver, out, OUTCOME_TIMEOUT);
    }

    /** @param outcomeTimeout how long to wait for the hosts, and for each rollout to end */
    public DemoScenario(PlannerClient planner, List<String> hosts, Driver driver, PrintStream out, Duration outcomeTimeout) {
        this.planner = planner;
        this.hosts = hosts;
        this.driver = driver;
        this.out = out;
        this.outcomeTimeout = outcomeTimeout;
    }

    /** The three rollouts, their final phases and the phases the demo means to show. */
    public record Outcome(List<String> deploymentIds, List<String> phases, List<String> expected) {
        public boolean asExpected() {
            return phases.equals(expected);
        }
    }

    /**
     * v1 on every host, then v2 (fails 30% of its requests) one host at a time, then v3: with the
     * process driver a healthy v3 that succeeds; with the docker driver the demo image v3, which never
     * becomes healthy and is rolled back too.
     */
    public Outcome run(RolloutClock clock) throws InterruptedException {
        awaitHosts();
        List<String> ids = List.of("demo-v1", "demo-v2", "demo-v3");
        List<String> phases = new ArrayList<>();
        banner("fleet: demo-app v1 on " + String.join(", ", hosts) + " (all at once)");
        phases.add(rollout(ids.get(0), "v1", 0.0, hosts.size()));
        banner("rollout: v2, which fails 30% of its requests, one host at a time");
        phases.add(rollout(ids.get(1), "v2", 0.30, 1));
        awaitBackOnOldVersion(clock, ids.get(1));
        boolean healthyV3 = driver == Driver.PROCESS;
        banner("rollout: v3, " + (healthyV3 ? "healthy" : "which never becomes healthy") + ", one host at a time");
        phases.add(rollout(ids.get(2), "v3", 0.0, 1));
        return new Outcome(ids, phases, List.of("SUCCEEDED", "ROLLED_BACK", healthyV3 ? "SUCCEEDED" : "ROLLED_BACK"));
    }

    /** Requests one rollout of demo-app through the planner's API and returns its final phase. */
    public String rollout(String id, String version, double failureRate, int batchSize) throws InterruptedException {
        return rollout(id, version, failureRate, batchSize, POLICY);
    }

    public String rollout(String id, String version, double failureRate, int batchSize, Policy policy) throws InterruptedException {
        RunSpec run = driver == Driver.DOCKER
                ? DemoImages.runSpec(DemoImages.image(DemoImages.REPOSITORY, version)) : demoApp(version, failureRate);
        return rollout(id, version, run, batchSize, policy);
    }

    /** Requests one rollout of {@code run} through the planner's API and returns its final phase. */
    public String rollout(String id, String version, RunSpec run, int batchSize, Policy policy) throws InterruptedException {
        DeployRequest request = DeployRequests.of(id, SERVICE, version, run, hosts, batchSize, policy, "demo");
        planner.post("v1/deployments", request);
        return awaitEnd(id).path("phase").asText();
    }

    /** demo-app as a plain JVM process, started from this JVM's own classpath. */
    public static RunSpec demoApp(String version, double failureRate) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> argv = List.of(java, "-Xmx48m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "io.kanary.demo.DemoApp");
        return RunSpec.process(argv, Map.of("DEMO_VERSION", version, "DEMO_FAILURE_RATE", Double.toString(failureRate)));
    }

    /** Until every rolled-back host answered a probe on its old version again (bounded): the demo shows it serving. */
    private static void awaitBackOnOldVersion(RolloutClock clock, String deploymentId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (clock.figures(deploymentId).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    public void awaitHosts() throws InterruptedException {
        long deadline = System.nanoTime() + outcomeTimeout.toNanos();
        while (planner.get("v1/hosts").path("hosts").size() < hosts.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the demo hosts never announced themselves");
            }
            Thread.sleep(100);
        }
    }

    public JsonNode awaitEnd(String id) throws InterruptedException {
        long deadline = System.nanoTime() + outcomeTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode d = deploymentOrNull(id);
            if (d != null && RolloutPhase.of(d.path("phase").asText()).isFinal()) {
                return d;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("deployment " + id + " did not end within " + outcomeTimeout.toSeconds() + " s");
    }

    private JsonNode deploymentOrNull(String id) {
        try {
            return planner.get("v1/deployments/" + id);
        } catch (UserError notYet) {
            return null; // the request is still on its way through deploy.requests
        }
    }

    private void banner(String text) {
        out.println();
        out.println("=== " + text);
    }
}
