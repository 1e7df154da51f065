package io.kanary.schema;

import java.util.List;
import java.util.Map;

/**
 * What to run for one version: an image for the docker driver, or an argv list and env for the
 * process driver. The argv is never passed to a shell; {@code {port}} in an argument is replaced
 * by the port the executor assigns to the instance, which is also given as env {@code PORT}.
 *
 * @param restartPolicy docker driver: {@code no}, {@code always}, {@code unless-stopped} (default) or {@code on-failure}
 * @param memoryMb      docker driver: the container's memory limit in MiB (absent: none)
 * @param cpus          docker driver: the CPUs the container may use, e.g. 0.5 (absent: no limit)
 * @param check         how the instances are judged healthy (absent: GET {@code healthPath} answers 2xx)
 */
public record RunSpec(String image, List<String> command, Map<String, String> env, String healthPath,
                      Long stopGraceMs, String restartPolicy, Long memoryMb, Double cpus, HealthCheck check) {
    public static final String DEFAULT_HEALTH_PATH = "/health";
    public static final long DEFAULT_STOP_GRACE_MS = 5_000;
    public static final String DEFAULT_RESTART_POLICY = "unless-stopped";
    public static final List<String> RESTART_POLICIES = List.of("no", "always", "unless-stopped", "on-failure");

    /** A spec whose health check is the default: GET {@code healthPath} answers 2xx. */
    public RunSpec(String image, List<String> command, Map<String, String> env, String healthPath, Long stopGraceMs,
                   String restartPolicy, Long memoryMb, Double cpus) {
        this(image, command, env, healthPath, stopGraceMs, restartPolicy, memoryMb, cpus, null);
    }

    /** A spec without resource limits and with the default restart policy. */
    public RunSpec(String image, List<String> command, Map<String, String> env, String healthPath, Long stopGraceMs) {
        this(image, command, env, healthPath, stopGraceMs, null, null, null, null);
    }

    public RunSpec {
        restartPolicy = restartPolicy == null || restartPolicy.isBlank() ? DEFAULT_RESTART_POLICY : restartPolicy;
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        healthPath = healthPath == null || healthPath.isBlank() ? DEFAULT_HEALTH_PATH : healthPath;
        stopGraceMs = stopGraceMs == null ? DEFAULT_STOP_GRACE_MS : stopGraceMs;
    }

    /** The same spec with {@code check} as its health check. */
    public RunSpec withCheck(HealthCheck check) {
        return new RunSpec(image, command, env, healthPath, stopGraceMs, restartPolicy, memoryMb, cpus, check);
    }

    public static RunSpec process(List<String> command, Map<String, String> env) {
        return new RunSpec(null, command, env, null, null);
    }
}
