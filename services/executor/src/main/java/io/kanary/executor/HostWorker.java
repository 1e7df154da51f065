package io.kanary.executor;

import io.kanary.executor.driver.DeployContext;
import io.kanary.executor.driver.DriverException;
import io.kanary.executor.driver.HostDriver;
import io.kanary.executor.driver.Recovery;
import io.kanary.executor.driver.RunningInstance;
import io.kanary.kafka.Ids;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent.CommandFailed;
import io.kanary.schema.HostEvent.InstanceEvent;
import io.kanary.schema.HostEvent.RolledBack;
import io.kanary.schema.HostEvent.Started;
import io.kanary.schema.HostEvent.Starting;
import io.kanary.schema.HostEvent.Stopped;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.security.RunAllowList;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one host's commands, one at a time in the order they arrived, on its own thread:
 * hosts work side by side, a host's commands never overtake each other.
 */
final class HostWorker {
    private static final Logger LOG = LoggerFactory.getLogger(HostWorker.class);
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final HostDriver driver;
    private final HostEventPublisher publisher;
    private final CommandOutcomes outcomes;
    private final Function<HostCommand, Optional<String>> refusal;
    private final HookRunner hooks;
    private final ExecutorService thread;
    private volatile boolean closing;
    private volatile ExecutorMetrics metrics;

    HostWorker(HostDriver driver, HostEventPublisher publisher, CommandOutcomes outcomes) {
        this(driver, publisher, outcomes, command -> Optional.empty());
    }

    /** @param refusal why this executor will not carry a command out (its allow-list), or empty */
    HostWorker(HostDriver driver, HostEventPublisher publisher, CommandOutcomes outcomes,
               Function<HostCommand, Optional<String>> refusal) {
        // No allow-list for hooks: every hook is refused, with the reason.
        this(driver, publisher, outcomes, refusal, new HookRunner(driver.hostId(), publisher, outcomes,
                RunAllowList.NOTHING, Path.of(System.getProperty("java.io.tmpdir"), "kanary", "hooks")));
    }

    /** @param hooks runs the host's {@link HostCommand.RunHook}s */
    HostWorker(HostDriver driver, HostEventPublisher publisher, CommandOutcomes outcomes,
               Function<HostCommand, Optional<String>> refusal, HookRunner hooks) {
        this.driver = driver;
        this.publisher = publisher;
        this.outcomes = outcomes;
        this.refusal = refusal;
        this.hooks = hooks;
        this.thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "kanary-executor-" + driver.hostId()));
    }

    HostDriver driver() {
        return driver;
    }

    /** Counts and times the commands it carries out in {@code metrics}. */
    HostWorker withMetrics(ExecutorMetrics metrics) {
        this.metrics = metrics;
        return this;
    }

    /**
     * Queues {@code command}; {@code onDone} runs once its outcome is published. A command whose
     * events cannot be written (Kafka is unreachable) is tried again until they are, before the
     * host's next command; handling is idempotent, so a retry reports what was done and does not
     * do it twice.
     */
    void submit(HostCommand command, Runnable onDone) {
        thread.execute(() -> {
            ExecutorMetrics metered = metrics;
            long began = System.nanoTime();
            String outcome = null;
            if (metered != null) {
                metered.began();
            }
            try {
                while (true) {
                    try {
                        outcome = handle(command);
                        onDone.run();
                        return;
                    } catch (HostEventPublisher.NotPublished e) {
                        if (closing) {
                            throw e;
                        }
                        LOG.error("Command {} for {} on {} was not completed; trying again in {} ms", command.eventId(),
                                command.service(), driver.hostId(), RETRY.toMillis(), e);
                        TimeUnit.MILLISECONDS.sleep(RETRY.toMillis());
                    }
                }
            } catch (CancellationException | InterruptedException e) {
                // Left uncommitted on purpose: the next start carries it out.
                LOG.info("Abandoned command {} for {} on shutdown", command.eventId(), command.service());
            } catch (RuntimeException e) {
                LOG.error("Command {} for {} on {} was not completed; it will be carried out again after a restart",
                        command.eventId(), command.service(), driver.hostId(), e);
            } finally {
                if (metered != null) {
                    metered.finished(command, outcome, Duration.ofNanos(System.nanoTime() - began));
                }
            }
        });
    }

    /** @return the command's outcome for the meters, or null when it was answered from the record */
    private String handle(HostCommand command) throws InterruptedException {
        Optional<InstanceEvent> recorded = outcomes.outcomeOf(command);
        // Refused after the outcome record is read, and recorded itself: a refused command delivered
        // again is answered from the record, not refused a second time.
        Optional<String> refused = recorded.isPresent() ? Optional.empty() : refusal.apply(command);
        if (recorded.isPresent()) {
            LOG.info("Command {} was already carried out; reporting its outcome again", command.eventId());
            publisher.publish(CommandOutcomes.withEventId(recorded.get(), Ids.newId()), command.eventId());
            return null;
        } else if (command instanceof HostCommand.RunHook hook) {
            // Answered with host.hook.finished even when refused: a host.command.failed reads as a failed deploy.
            hooks.run(hook, driver.current(hook.service()).map(RunningInstance::instance));
        } else if (refused.isPresent()) {
            String reason = refused.get();
            LOG.warn("Refusing command {} for {} on {}: {}", command.eventId(), command.service(), driver.hostId(), reason);
            String version = command instanceof HostCommand.Deploy deploy ? deploy.version() : null;
            conclude(command, new CommandFailed(Ids.newId(), KanaryEvent.SCHEMA_VERSION, driver.hostId(),
                    command.eventId(), command.deploymentId(), command.service(), version, reason, Instant.now()));
            return ExecutorMetrics.REFUSED;
        } else if (command instanceof HostCommand.Deploy deploy) {
            deploy(deploy);
        } else if (command instanceof HostCommand.Rollback rollback) {
            rollback(rollback);
        } else if (command instanceof HostCommand.Stop stop) {
            stop(stop);
        }
        return outcomes.outcomeOf(command).map(ExecutorMetrics::outcomeOf).orElse(null);
    }

    private void deploy(HostCommand.Deploy c) throws InterruptedException {
        Optional<RunningInstance> replaced = driver.current(c.service());
        if (replaced.isPresent() && driver.commandOf(c.service()).filter(c.eventId()::equals).isPresent()) {
            // Carried out before a crash that came before its report: report it, do not start it again.
            LOG.info("{} already runs {} for command {}; reporting it", c.hostId(), c.version(), c.eventId());
            conclude(c, started(c, replaced.get()));
            return;
        }
        if (!outcomes.reportedStarting(c.eventId())) {
            publish(c, new Starting(Ids.newId(), KanaryEvent.SCHEMA_VERSION, c.hostId(), c.eventId(), c.deploymentId(),
                    c.service(), c.version(), Instant.now()));
        }
        Instance started;
        try {
            started = driver.deploy(c.service(), c.version(), c.run(), new DeployContext(c.deploymentId(), c.eventId()));
        } catch (DriverException e) {
            conclude(c, failed(c, c.version(), e));
            return;
        }
        if (replaced.isPresent()) {
            publish(c, stopped(c, replaced.get()));
        }
        conclude(c, new Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION, c.hostId(), c.eventId(), c.deploymentId(),
                c.service(), c.version(), withCheck(started, c), Instant.now()));
    }

    private void rollback(HostCommand.Rollback c) throws InterruptedException {
        Optional<RunningInstance> current = driver.current(c.service());
        String running = current.map(RunningInstance::version).orElse(null);
        if (c.fromVersion() != null && !c.fromVersion().equals(running)) {
            // The version to roll back never took over here (its deploy failed or was never sent),
            // or this rollback was carried out before a crash that came before its report.
            if (Objects.equals(running, c.toVersion())) {
                conclude(c, rolledBack(c, current));
            } else {
                conclude(c, new CommandFailed(Ids.newId(), KanaryEvent.SCHEMA_VERSION, c.hostId(), c.eventId(),
                        c.deploymentId(), c.service(), c.toVersion(), c.hostId() + " runs "
                        + (running == null ? "no version" : running) + " of " + c.service() + ", not "
                        + c.fromVersion() + " and not " + c.toVersion() + "; nothing to roll back", Instant.now()));
            }
            return;
        }
        Optional<RunningInstance> back;
        DeployContext context = new DeployContext(c.deploymentId(), c.eventId());
        try {
            back = driver.rollback(c.service(), context);
        } catch (DriverException e) {
            if (current.isPresent() && driver.current(c.service()).isEmpty()) {
                publish(c, stopped(c, current.get()));
            }
            conclude(c, failed(c, c.toVersion(), e));
            return;
        }
        if (current.isPresent()) {
            publish(c, stopped(c, current.get()));
        }
        if (back.isEmpty() && c.toVersion() != null) {
            // Saying "nothing ran before" would be false: the host lost what it was to go back to.
            conclude(c, new CommandFailed(Ids.newId(), KanaryEvent.SCHEMA_VERSION, c.hostId(), c.eventId(),
                    c.deploymentId(), c.service(), c.toVersion(), c.hostId() + " stopped "
                    + (running == null ? "nothing" : running) + " of " + c.service() + " but keeps no record of "
                    + c.toVersion() + " to start again; deploy " + c.toVersion() + " to bring it back", Instant.now()));
            return;
        }
        conclude(c, rolledBack(c, back));
    }

    private void stop(HostCommand.Stop c) throws InterruptedException {
        Optional<RunningInstance> stopped;
        try {
            stopped = driver.stop(c.service(), new DeployContext(c.deploymentId(), c.eventId()));
        } catch (DriverException e) {
            conclude(c, failed(c, null, e));
            return;
        }
        conclude(c, new Stopped(Ids.newId(), KanaryEvent.SCHEMA_VERSION, c.hostId(), c.eventId(), c.deploymentId(),
                c.service(), stopped.map(RunningInstance::version).orElse(null),
                stopped.map(s -> s.instance().instanceId()).orElse(null), Instant.now()));
    }

    /**
     * Reports what the driver found at start: actions a killed executor left half-done, now seen
     * through or given up, and instances that stopped while no executor watched. Runs before any
     * command is taken, so a command seen again is answered from the record. A conclusion already
     * on host.events is not reported twice.
     */
    void reportRecoveries() throws InterruptedException {
        for (Recovery r : driver.recoveries()) {
            if (r.commandId() == null || r.deploymentId() == null) {
                LOG.info("Not reporting {} of {} on {}: no command caused it", r.kind(), r.service(), driver.hostId());
                continue;
            }
            String hostId = driver.hostId();
            Class<? extends InstanceEvent> conclusion = switch (r.kind()) {
                case DEPLOYED -> Started.class;
                case ROLLED_BACK -> RolledBack.class;
                case STOPPED, EXITED -> Stopped.class;
                case FAILED -> CommandFailed.class;
            };
            if (r.kind() != Recovery.Kind.EXITED && outcomes.isConcluded(r.commandId(), conclusion)) {
                continue;
            }
            LOG.info("Reporting {} of {} on {} for command {}", r.kind(), r.service(), hostId, r.commandId());
            if (r.stopped() != null) {
                InstanceEvent stopped = new Stopped(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId, r.commandId(),
                        r.deploymentId(), r.service(), r.stopped().version(), r.stopped().instance().instanceId(),
                        Instant.now());
                if (r.kind() == Recovery.Kind.STOPPED) {
                    record(r.commandId(), stopped);
                    continue;
                }
                publisher.publish(stopped, r.commandId());
                if (r.kind() == Recovery.Kind.EXITED) {
                    outcomes.record(stopped);
                    continue;
                }
            }
            InstanceEvent outcome = switch (r.kind()) {
                case DEPLOYED -> new Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId, r.commandId(),
                        r.deploymentId(), r.service(), r.now().version(), r.now().instance(), Instant.now());
                case ROLLED_BACK -> new RolledBack(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId, r.commandId(),
                        r.deploymentId(), r.service(), r.now() == null ? null : r.now().version(),
                        r.now() == null ? null : r.now().instance(), Instant.now());
                case STOPPED -> new Stopped(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId, r.commandId(),
                        r.deploymentId(), r.service(), null, null, Instant.now());
                default -> new CommandFailed(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId, r.commandId(),
                        r.deploymentId(), r.service(), r.version(), r.failure(), Instant.now());
            };
            record(r.commandId(), outcome);
        }
    }

    private void record(String commandId, InstanceEvent outcome) throws InterruptedException {
        publisher.publish(outcome, commandId);
        outcomes.record(outcome);
    }

    private void publish(HostCommand cause, InstanceEvent event) throws InterruptedException {
        publisher.publish(event, cause.eventId());
    }

    /** Publishes the event that concludes a command and records it as the command's outcome. */
    private void conclude(HostCommand cause, InstanceEvent outcome) throws InterruptedException {
        publish(cause, outcome);
        outcomes.record(outcome);
    }

    private CommandFailed failed(HostCommand c, String version, DriverException e) {
        if (closing) {
            // Failing because we are shutting down says nothing about the command: do not record it.
            throw new CancellationException(e.getMessage());
        }
        LOG.warn("Command {} for {} on {} failed: {}", c.eventId(), c.service(), c.hostId(), e.getMessage());
        return new CommandFailed(Ids.newId(), KanaryEvent.SCHEMA_VERSION, c.hostId(), c.eventId(), c.deploymentId(),
                c.service(), version, e.getMessage(), Instant.now());
    }

    private static Stopped stopped(HostCommand c, RunningInstance was) {
        return new Stopped(Ids.newId(), KanaryEvent.SCHEMA_VERSION, c.hostId(), c.eventId(), c.deploymentId(),
                c.service(), was.version(), was.instance().instanceId(), Instant.now());
    }

    private static Started started(HostCommand.Deploy c, RunningInstance now) {
        return new Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION, c.hostId(), c.eventId(), c.deploymentId(),
                c.service(), now.version(), withCheck(now.instance(), c), Instant.now());
    }

    /** The instance with the deployment's health check, so whoever probes it learns how with it. */
    private static Instance withCheck(Instance instance, HostCommand.Deploy c) {
        return instance == null || c.run() == null || c.run().check() == null ? instance
                : instance.withCheck(c.run().check());
    }

    private static RolledBack rolledBack(HostCommand c, Optional<RunningInstance> now) {
        return new RolledBack(Ids.newId(), KanaryEvent.SCHEMA_VERSION, c.hostId(), c.eventId(), c.deploymentId(),
                c.service(), now.map(RunningInstance::version).orElse(null),
                now.map(RunningInstance::instance).orElse(null), Instant.now());
    }

    /** Abandons queued commands and interrupts the one in progress; bounded by {@code wait}. */
    void shutdown(Duration wait) {
        closing = true;
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("The worker of {} did not stop within {} ms", driver.hostId(), wait.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
