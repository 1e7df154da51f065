package io.kanary.bench.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Requests the campaign's rollouts one after another through the planner's API and waits for each
 * to end, riding out a planner that is down (the request is retried until it is answered). The
 * first version is healthy (the fleet); later ones are bad with the campaign's probability.
 */
final class RolloutRunner {
    // The embedded default allows the demo service to run this JVM's java: the campaign's app is the demo-app.
    static final String SERVICE = "demo";
    static final double BAD_FAILURE_RATE = 0.5;
    private static final Duration POLL = Duration.ofMillis(300);

    private final PlannerHttp planner;
    private final List<String> hosts;
    private final List<String> appCommand;
    private final String runId;
    private final Duration rolloutTimeout;
    private final Consumer<String> log;

    /**
     * @param appCommand the demo-app's argv (version and failure rate go in its environment)
     * @param runId      this campaign's id, part of every deployment id
     */
    RolloutRunner(PlannerHttp planner, List<String> hosts, List<String> appCommand, String runId,
                  Duration rolloutTimeout, Consumer<String> log) {
        this.planner = planner;
        this.hosts = List.copyOf(hosts);
        this.appCommand = List.copyOf(appCommand);
        this.runId = runId;
        this.rolloutTimeout = rolloutTimeout;
        this.log = log;
    }

    /** Which of {@code count} rollouts are bad: never the first, each later one with {@code badShare}. */
    static List<Boolean> plan(int count, double badShare, Random random) {
        List<Boolean> bad = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bad.add(i > 0 && random.nextDouble() < badShare);
        }
        return bad;
    }

    /** Runs the rollouts in order; stops early when one does not end in time (the next would only be refused). */
    List<Rollout> run(List<Boolean> plan, long deadlineNanos) throws InterruptedException {
        List<Rollout> done = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            if (System.nanoTime() > deadlineNanos) {
                log.accept("campaign time is up after " + done.size() + " rollouts");
                break;
            }
            Rollout rollout = one(i + 1, plan.get(i), deadlineNanos);
            done.add(rollout);
            log.accept(String.format("rollout %d/%d %s %s: %s", i + 1, plan.size(), rollout.version(),
                    rollout.bad() ? "(bad)" : "(good)", rollout.phase() == null ? "no phase" : rollout.phase()));
            if (!rollout.terminal()) {
                break;
            }
        }
        return done;
    }

    private Rollout one(int index, boolean bad, long campaignDeadline) throws InterruptedException {
        String version = "r" + index;
        String id = runId + "-" + version;
        long deadline = Math.min(campaignDeadline, System.nanoTime() + rolloutTimeout.toNanos());
        boolean accepted = false;
        while (!accepted && System.nanoTime() < deadline) {
            if (planner.get("v1/deployments/" + id).isPresent()) {
                accepted = true; // an earlier attempt got through although its answer was lost
                break;
            }
            Optional<Integer> status = planner.post("v1/deployments", request(id, version, bad));
            if (status.isPresent() && status.get() == 202) {
                accepted = true;
            } else if (status.isPresent() && status.get() == 409) {
                // the previous deployment is still active as far as this planner knows: wait for it
                Thread.sleep(POLL.toMillis());
            } else if (status.isPresent() && status.get() >= 400 && status.get() < 500) {
                return new Rollout(id, version, bad, "REFUSED " + status.get(), false);
            } else {
                Thread.sleep(POLL.toMillis()); // planner down or failing: ask again
            }
        }
        String phase = null;
        while (accepted && System.nanoTime() < deadline) {
            Optional<JsonNode> view = planner.get("v1/deployments/" + id);
            if (view.isPresent()) {
                phase = view.get().path("phase").asText(null);
                if (phase != null && Rollout.TERMINAL.contains(phase)) {
                    break;
                }
            }
            Thread.sleep(POLL.toMillis());
        }
        return new Rollout(id, version, bad, phase, accepted);
    }

    private Map<String, Object> request(String id, String version, boolean bad) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("DEMO_VERSION", version);
        env.put("DEMO_FAILURE_RATE", Double.toString(bad ? BAD_FAILURE_RATE : 0.0));
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", appCommand);
        run.put("env", env);
        run.put("healthPath", "/health");
        // The demo's policy: a verdict after 20 probes at 10/s, a host healthy after 5 good probes over 2 s.
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("maxErrorRate", 0.10);
        policy.put("maxP99LatencyMs", 2_000);
        policy.put("minSamples", 20);
        policy.put("probeIntervalMs", 100);
        policy.put("healthyProbes", 5);
        policy.put("minHealthyMs", 2_000);
        policy.put("healthDeadlineMs", 60_000);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("deploymentId", id);
        request.put("service", SERVICE);
        request.put("version", version);
        request.put("hosts", hosts);
        request.put("batchSize", 1);
        request.put("run", run);
        request.put("policy", policy);
        request.put("requestedBy", "fault-campaign");
        return request;
    }
}
