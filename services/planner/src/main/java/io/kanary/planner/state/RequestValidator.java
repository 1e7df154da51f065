package io.kanary.planner.state;

import io.kanary.schema.DeployRequest;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import io.kanary.security.RunAllowList;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/** The rules a deploy request must follow on its own, whatever the state of the fleet. */
public final class RequestValidator {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    static final long MIN_WINDOW_MS = 1_000;
    static final long MIN_PROBE_INTERVAL_MS = 50;

    private RequestValidator() {
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static List<Violation> validate(DeployRequest request) {
        List<Violation> out = new ArrayList<>();
        if (request.service() == null || !NAME.matcher(request.service()).matches()) {
            out.add(new Violation("service", "required; lower-case letters, digits, '.', '_' or '-', at most 63, e.g. \"checkout\""));
        }
        if (request.version() == null || !VERSION.matcher(request.version()).matches()) {
            out.add(new Violation("version", "required; letters, digits, '.', '_', '+' or '-', e.g. \"v2\" or \"1.4.0\""));
        }
        if (request.deploymentId() != null && !NAME.matcher(request.deploymentId()).matches()) {
            out.add(new Violation("deploymentId", "lower-case letters, digits, '.', '_' or '-', at most 63"));
        }
        validateRun(request.run(), out);
        if (request.batchSize() != null && request.batchSize() < 1) {
            out.add(new Violation("batchSize", "must be at least 1, was " + request.batchSize()));
        }
        if (new HashSet<>(request.hosts()).size() != request.hosts().size()) {
            out.add(new Violation("hosts", "must not name a host twice"));
        }
        validatePolicy(request.policy(), out);
        StepRules.validate(request, out);
        HealthCheckRules.validateHooks(request.service(), request.hooks(), request.hosts(), RunAllowList.ANYTHING, out);
        return out;
    }

    /**
     * The request's own rules, then what {@code allowList} says of its run spec: an executable or
     * image not on the service's list, or an environment name that changes how a program loads.
     */
    public static List<Violation> validate(DeployRequest request, RunAllowList allowList) {
        List<Violation> out = new ArrayList<>(validate(request));
        if (request.run() != null && isValidName(request.service())) {
            allowList.check(request.service(), request.run()).forEach(r -> out.add(new Violation(r.field(), r.rule())));
            HealthCheckRules.validateAllowed(request.service(), request.run().check(), "run.check", allowList, out);
        }
        if (isValidName(request.service())) {
            // The hooks' own rules were checked above; only what the allow-list adds is new here.
            List<Violation> hooks = new ArrayList<>();
            HealthCheckRules.validateHooks(request.service(), request.hooks(), request.hosts(), allowList, hooks);
            hooks.stream().filter(v -> !out.contains(v)).forEach(out::add);
        }
        return out;
    }

    private static void validateRun(RunSpec run, List<Violation> out) {
        if (run == null) {
            out.add(new Violation("run", "required: an image (docker) or a command (process driver)"));
            return;
        }
        if ((run.image() == null || run.image().isBlank()) && run.command().isEmpty()) {
            out.add(new Violation("run.command", "required when no image is given: the argv list to start, e.g. [\"java\", \"-jar\", \"app.jar\"]"));
        }
        if (run.command().stream().anyMatch(a -> a == null)) {
            out.add(new Violation("run.command", "must not contain null"));
        }
        if (!run.healthPath().startsWith("/")) {
            out.add(new Violation("run.healthPath", "must start with '/', was \"" + run.healthPath() + "\""));
        }
        if (run.stopGraceMs() < 0) {
            out.add(new Violation("run.stopGraceMs", "must be >= 0"));
        }
        if (!RunSpec.RESTART_POLICIES.contains(run.restartPolicy())) {
            out.add(new Violation("run.restartPolicy", "one of " + RunSpec.RESTART_POLICIES + ", was \"" + run.restartPolicy() + "\""));
        }
        if (run.memoryMb() != null && run.memoryMb() < 4) {
            out.add(new Violation("run.memoryMb", "must be at least 4 (MiB), was " + run.memoryMb()));
        }
        if (run.cpus() != null && !(run.cpus() > 0)) {
            out.add(new Violation("run.cpus", "must be greater than 0, was " + run.cpus()));
        }
        HealthCheckRules.validate(run.check(), "run.check", out);
    }

    private static void validatePolicy(Policy p, List<Violation> out) {
        if (!(p.maxErrorRate() > 0 && p.maxErrorRate() <= 1)) {
            out.add(new Violation("policy.maxErrorRate", "must be in (0, 1], e.g. 0.05 for 5%; was " + p.maxErrorRate()));
        }
        if (p.maxP99LatencyMs() < 1) {
            out.add(new Violation("policy.maxP99LatencyMs", "must be at least 1"));
        }
        if (p.windowMs() < MIN_WINDOW_MS) {
            out.add(new Violation("policy.windowMs", "must be at least " + MIN_WINDOW_MS));
        }
        if (p.minSamples() < 1) {
            out.add(new Violation("policy.minSamples", "must be at least 1"));
        }
        if (p.probeIntervalMs() < MIN_PROBE_INTERVAL_MS) {
            out.add(new Violation("policy.probeIntervalMs", "must be at least " + MIN_PROBE_INTERVAL_MS));
        }
        if (p.healthyProbes() < 1) {
            out.add(new Violation("policy.healthyProbes", "must be at least 1"));
        }
        if (p.minHealthyMs() < 0) {
            out.add(new Violation("policy.minHealthyMs", "must be >= 0"));
        }
        if (!(p.alpha() > 0 && p.alpha() <= 0.5)) {
            out.add(new Violation("policy.alpha", "must be in (0, 0.5], e.g. 0.001 for one false rollback in 1000; was " + p.alpha()));
        }
        if (!(p.maxP99Ratio() >= 1)) {
            out.add(new Violation("policy.maxP99Ratio", "must be at least 1, e.g. 2 for twice the baseline's p99; was " + p.maxP99Ratio()));
        }
        if (!(p.errorRateMargin() >= 0 && p.errorRateMargin() <= 1)) {
            out.add(new Violation("policy.errorRateMargin", "must be in [0, 1], e.g. 0.01; was " + p.errorRateMargin()));
        }
        if (p.outageToleranceMs() < 0) {
            out.add(new Violation("policy.outageToleranceMs", "must be at least 0 (0: every failure counts); was "
                    + p.outageToleranceMs()));
        }
        if (p.startupGraceMs() < 0) {
            out.add(new Violation("policy.startupGraceMs", "must be at least 0 (0: no start-up grace); was "
                    + p.startupGraceMs()));
        }
        if (p.healthDeadlineMs() <= p.minHealthyMs()) {
            out.add(new Violation("policy.healthDeadlineMs", "must be greater than policy.minHealthyMs ("
                    + p.minHealthyMs() + "), was " + p.healthDeadlineMs()));
        }
        TrafficRules.validate(p, out);
    }
}
