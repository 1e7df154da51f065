package io.kanary.executor;

import io.kanary.schema.HealthCheck;
import io.kanary.schema.RunSpec;
import io.kanary.security.Refusal;
import io.kanary.security.RunAllowList;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One run of an instance's {@link HealthCheck.Command} on this host, judged by its exit code. The
 * outcome's {@code error} names what failed: the exit code (with the end of the output), the
 * timeout, a program that cannot start, or the allow-list.
 */
final class CommandCheckRun {
    /** How much of a failing check's output its error quotes. */
    static final int QUOTED_OUTPUT_BYTES = 200;
    private static final String PORT_PLACEHOLDER = "{port}";

    /** What one run saw; {@code error} is null when it passed. */
    record Outcome(boolean ok, long latencyMs, Instant probedAt, String error) {
    }

    private CommandCheckRun() {
    }

    /** Why {@code service} may not run {@code check} here, or empty when it may. */
    static Optional<String> refusal(String service, HealthCheck.Command check, RunAllowList allowList) {
        if (check.command().isEmpty() || check.command().contains(null)) {
            return Optional.of("the command check has no command to run, or a null in it; give an argv such as "
                    + "[\"/usr/local/bin/ready\", \"--port\", \"{port}\"]");
        }
        List<Refusal> refusals = allowList.checkProcess(service, RunSpec.process(check.command(), Map.of()));
        return refusals.isEmpty() ? Optional.empty() : Optional.of("command check refused by the executor's "
                + "allow-list: " + refusals.stream().map(Refusal::toString).map(r -> r.replaceFirst("^run\\.", "check."))
                .collect(Collectors.joining("; ")));
    }

    /**
     * Runs {@code check} for the instance listening on {@code port}, its output written to {@code output}.
     */
    static Outcome run(HealthCheck.Command check, int port, Path output) throws InterruptedException {
        Instant probedAt = Instant.now();
        String portText = Integer.toString(port);
        List<String> argv = check.command().stream().map(a -> a.replace(PORT_PLACEHOLDER, portText)).toList();
        OwnGroupProcess.Result result = OwnGroupProcess.run(argv, Map.of("PORT", portText), output,
                Duration.ofMillis(check.effectiveTimeoutMs()), QUOTED_OUTPUT_BYTES);
        if (result.failure() != null) {
            return new Outcome(false, result.elapsedMs(), probedAt, "command check " + result.failure());
        }
        if (result.timedOut()) {
            return new Outcome(false, result.elapsedMs(), probedAt, "command check ran longer than "
                    + check.effectiveTimeoutMs() + " ms and was killed");
        }
        if (result.exitCode() != check.expectExitCode()) {
            String said = result.outputTail() == null || result.outputTail().isBlank() ? ""
                    : ": " + result.outputTail().strip().replaceAll("\\s+", " ");
            return new Outcome(false, result.elapsedMs(), probedAt, "command check exited with " + result.exitCode()
                    + ", expected " + check.expectExitCode() + said);
        }
        return new Outcome(true, result.elapsedMs(), probedAt, null);
    }
}
