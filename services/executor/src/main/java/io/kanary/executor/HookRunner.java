package io.kanary.executor;

import io.kanary.kafka.Ids;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent.HookFinished;
import io.kanary.schema.HostEvent.HookStarted;
import io.kanary.schema.HostEvent.InstanceEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RunSpec;
import io.kanary.security.Refusal;
import io.kanary.security.RunAllowList;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one host's {@link HostCommand.RunHook}s: checks the argv against the allow-list, writes
 * {@code host.hook.started}, runs it in its own process group with its timeout, and answers with
 * {@code host.hook.finished} carrying the exit code and the last {@value #TAIL_BYTES} bytes of its
 * output (also kept whole in {@code <dir>/<command id>.log}).
 *
 * <p>At most once: a hook whose {@code host.hook.started} is on record without its end ran while
 * an executor was killed; it may have done part or all of its work, so it is reported failed, not
 * run again. Every answer is a {@code host.hook.finished}, never a {@code host.command.failed},
 * which the planner reads as a failed deploy.
 */
final class HookRunner {
    static final int TAIL_BYTES = 4096;
    private static final String PORT_PLACEHOLDER = "{port}";
    private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);

    private final String hostId;
    private final HostEventPublisher publisher;
    private final CommandOutcomes outcomes;
    private final RunAllowList allowList;
    private final Path outputDir;

    /**
     * @param outputDir where each hook's whole output is written, one file per command id
     */
    HookRunner(String hostId, HostEventPublisher publisher, CommandOutcomes outcomes, RunAllowList allowList,
               Path outputDir) {
        this.hostId = hostId;
        this.publisher = publisher;
        this.outcomes = outcomes;
        this.allowList = allowList;
        this.outputDir = outputDir;
    }

    /** Runs {@code hook} outside any instance of its service. */
    void run(HostCommand.RunHook hook) throws InterruptedException {
        run(hook, Optional.empty());
    }

    /**
     * Runs {@code hook}, which has no concluding event on record yet; {@code {port}} in its argv
     * (and env {@code PORT}) is the port of {@code current}, the service's instance on this host,
     * so a smoke test can reach the instance it tests.
     */
    void run(HostCommand.RunHook hook, Optional<Instance> current) throws InterruptedException {
        Optional<InstanceEvent> last = outcomes.lastEventOf(hook.eventId());
        if (last.isPresent() && last.get() instanceof HookStarted) {
            LOG.warn("Hook {} ({}) of {} started before this executor's restart and never reported its end; "
                    + "reporting it failed instead of running it again", hook.eventId(), hook.hook(), hook.service());
            conclude(hook, failed(hook, null, false, null, "the executor restarted while the hook ran, so it may "
                    + "have run in part or in full; it is not run twice: check what it did, then deploy again"));
            return;
        }
        Optional<String> refused = refusal(hook);
        if (refused.isPresent()) {
            LOG.warn("Refusing hook {} ({}) of {} on {}: {}", hook.eventId(), hook.hook(), hook.service(), hostId,
                    refused.get());
            conclude(hook, failed(hook, null, false, null, refused.get()));
            return;
        }
        int port = current.map(HookRunner::portOf).orElse(-1);
        if (port < 0 && hook.command().stream().anyMatch(a -> a.contains(PORT_PLACEHOLDER))) {
            conclude(hook, failed(hook, null, false, null, "the hook's command names " + PORT_PLACEHOLDER + ", but no "
                    + "instance of " + hook.service() + " runs on " + hostId + " to take the port from"));
            return;
        }
        if (current.isEmpty() && !hook.http().isEmpty()) {
            conclude(hook, failed(hook, null, false, null, "the hook's http checks need an instance of "
                    + hook.service() + " on " + hostId + ", but none runs"));
            return;
        }
        HookStarted started = new HookStarted(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId, hook.eventId(),
                hook.deploymentId(), hook.service(), hook.hook(), Instant.now());
        publisher.publish(started, hook.eventId());
        outcomes.record(started);
        LOG.info("Running hook {} ({}) of {} on {}: {}{}", hook.eventId(), hook.hook(), hook.service(), hostId,
                hook.command(), hook.http().isEmpty() ? "" : " and " + hook.http().size() + " http check(s)");
        HookFinished ran = hook.command().isEmpty() ? null : runCommand(hook, port);
        if (ran != null && (!ran.ok() || hook.http().isEmpty())) {
            conclude(hook, ran);
            return;
        }
        HookHttpChecks.Result checked = HookHttpChecks.run(hook.http(), current.get(), hook.timeoutMs());
        String tail = tail((ran == null || ran.outputTail() == null ? "" : ran.outputTail())
                + String.join("\n", checked.lines()) + "\n");
        conclude(hook, checked.failure().map(reason -> failed(hook, ran == null ? null : 0, false, tail, reason))
                .orElseGet(() -> new HookFinished(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId, hook.eventId(),
                        hook.deploymentId(), hook.service(), hook.hook(), true, ran == null ? null : 0, false, tail,
                        null, Instant.now())));
    }

    /** Runs the hook's argv, {@code {port}} and {@code PORT} being {@code port} when one is known. */
    private HookFinished runCommand(HostCommand.RunHook hook, int port) throws InterruptedException {
        List<String> argv = port < 0 ? hook.command() : hook.command().stream()
                .map(a -> a.replace(PORT_PLACEHOLDER, Integer.toString(port))).toList();
        Map<String, String> env = new HashMap<>(hook.env());
        if (port >= 0) {
            env.put("PORT", Integer.toString(port));
        }
        OwnGroupProcess.Result result = OwnGroupProcess.run(argv, env,
                outputDir.resolve(hook.eventId().replaceAll("[^A-Za-z0-9._-]", "_") + ".log"),
                Duration.ofMillis(hook.timeoutMs()), TAIL_BYTES);
        return finished(hook, result);
    }

    /** The last {@link #TAIL_BYTES} characters of {@code text}. */
    private static String tail(String text) {
        return text.length() <= TAIL_BYTES ? text : text.substring(text.length() - TAIL_BYTES);
    }

    private Optional<String> refusal(HostCommand.RunHook hook) {
        if (hook.command().isEmpty() && hook.http().isEmpty()) {
            return Optional.of("the hook has neither a command nor http checks; give an argv such as "
                    + "[\"/usr/local/bin/backup\"] or http checks");
        }
        if (hook.timeoutMs() < 1) {
            return Optional.of("the hook's timeoutMs must be at least 1, was " + hook.timeoutMs());
        }
        if (hook.http().contains(null)) {
            return Optional.of("the hook's http checks contain null");
        }
        if (hook.command().isEmpty()) {
            return Optional.empty();
        }
        if (hook.command().get(0) == null || hook.command().get(0).isBlank()) {
            return Optional.of("the hook's command has no program; give an argv such as [\"/usr/local/bin/backup\"]");
        }
        if (hook.command().contains(null)) {
            return Optional.of("the hook's command contains null; every argument must be a string");
        }
        List<Refusal> refusals = allowList.checkProcess(hook.service(), RunSpec.process(hook.command(), hook.env()));
        return refusals.isEmpty() ? Optional.empty() : Optional.of("refused by the executor's allow-list: "
                + refusals.stream().map(Refusal::toString).map(r -> r.replaceFirst("^run\\.", ""))
                .collect(Collectors.joining("; ")));
    }

    private static int portOf(Instance instance) {
        try {
            return URI.create(instance.address()).getPort();
        } catch (IllegalArgumentException | NullPointerException e) {
            return -1;
        }
    }

    private HookFinished finished(HostCommand.RunHook hook, OwnGroupProcess.Result result) {
        if (result.failure() != null) {
            return failed(hook, null, false, null, result.failure());
        }
        if (result.timedOut()) {
            return failed(hook, null, true, result.outputTail(), "the hook ran longer than its timeout of "
                    + hook.timeoutMs() + " ms and its process group was killed");
        }
        if (result.exitCode() != 0) {
            return failed(hook, result.exitCode(), false, result.outputTail(), "the hook exited with "
                    + result.exitCode() + ", expected 0");
        }
        return new HookFinished(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId, hook.eventId(), hook.deploymentId(),
                hook.service(), hook.hook(), true, 0, false, result.outputTail(), null, Instant.now());
    }

    private HookFinished failed(HostCommand.RunHook hook, Integer exitCode, boolean timedOut, String tail,
                                String reason) {
        return new HookFinished(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId, hook.eventId(), hook.deploymentId(),
                hook.service(), hook.hook(), false, exitCode, timedOut, tail, reason, Instant.now());
    }

    private void conclude(HostCommand.RunHook hook, HookFinished outcome) throws InterruptedException {
        LOG.info("Hook {} ({}) of {} on {} {}", hook.eventId(), hook.hook(), hook.service(), hostId,
                outcome.ok() ? "passed" : "failed: " + outcome.reason());
        publisher.publish(outcome, hook.eventId());
        outcomes.record(outcome);
    }
}
