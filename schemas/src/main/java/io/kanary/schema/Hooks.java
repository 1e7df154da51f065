package io.kanary.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Commands and checks around a rollout: a pre-deploy command that must succeed before the first
 * batch (e.g. a backup before a migration), and a smoke test after each batch that gates the next
 * one. A hook runs on a host through the executor (host.command.run-hook → host.hook.finished),
 * as an argv, never through a shell, and only if the executor's allow-list allows its program.
 *
 * @param preDeploy run once before the first batch, or null
 * @param smoke     run after each batch, or null
 */
public record Hooks(PreDeploy preDeploy, Smoke smoke) {

    /**
     * @param command   the argv to run
     * @param timeoutMs how long it may run before it is killed and counts as failed (default 5 min)
     * @param host      the host to run it on; null: the deployment's first target host
     */
    public record PreDeploy(List<String> command, Long timeoutMs, String host) {
        public static final long DEFAULT_TIMEOUT_MS = 300_000;

        public PreDeploy {
            command = copyKeepingNulls(command);
        }
    }

    /**
     * Either a command run on each host of the batch ({@code {port}} replaced by its instance's
     * port) or HTTP checks of each updated instance; every one must pass.
     *
     * @param command   the argv to run, or empty
     * @param timeoutMs how long the command may run (default 60 s)
     * @param http      HTTP checks of each updated instance, or empty
     */
    public record Smoke(List<String> command, Long timeoutMs, List<HealthCheck.Http> http) {
        public static final long DEFAULT_TIMEOUT_MS = 60_000;

        public Smoke {
            command = copyKeepingNulls(command);
            http = copyKeepingNulls(http);
        }
    }

    private static <T> List<T> copyKeepingNulls(List<T> list) {
        return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }
}
