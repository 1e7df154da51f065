package io.kanary.executor.driver;

import io.kanary.executor.driver.HostJournal.Action;
import io.kanary.executor.driver.HostJournal.Entry;
import io.kanary.executor.driver.HostJournal.Release;
import io.kanary.executor.driver.HostJournal.ServiceState;
import io.kanary.kafka.Ids;
import io.kanary.schema.Instance;
import io.kanary.schema.RunSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each instance as a local OS process: the run spec's argv, started without a shell, on a
 * free port given as env {@code PORT} and in place of {@code {port}} in any argument. The child's
 * output goes to one log file per instance. An instance is ready once it accepts TCP connections.
 *
 * <p>Crash-proof: every action is written to the host's {@link HostJournal} before it is carried
 * out (the instance to start, with its port and log, then its pid and start time once it runs;
 * the instance to stop), and each instance runs as the leader of its own process group
 * ({@link ProcessGroups}) with two markers in its environment, {@value #JOURNAL_ENV} and
 * {@value #INSTANCE_ENV} ({@link ProcessLauncher}, {@link OwnedProcesses}). A driver started after
 * the last executor was killed reconciles with the world before taking any command
 * ({@link JournalRecovery}): it adopts the instances the journal says run, sees a half-done action
 * through or gives it up ({@link #recoveries()}), reports instances that died meanwhile, and stops
 * every process carrying its journal's marker that is not an instance it runs. It never starts a second copy for a command: a deploy seen again whose instance runs
 * returns that instance.
 */
public final class ProcessDriver implements HostDriver {
    public static final String KIND = "process";
    public static final Duration DEFAULT_START_DEADLINE = Duration.ofSeconds(30);
    public static final String PORT_PLACEHOLDER = "{port}";
    /** In each instance's environment: the journal that owns it, so a later executor can find it. */
    public static final String JOURNAL_ENV = "KANARY_EXECUTOR_JOURNAL";
    /** In each instance's environment: its instance id. */
    public static final String INSTANCE_ENV = "KANARY_INSTANCE_ID";

    private static final Duration READY_POLL = Duration.ofMillis(100);
    static final String DEPLOY = "deploy";
    static final String ROLLBACK = "rollback";
    private static final String STOP = "stop";
    private static final String STARTING = "starting";
    private static final String STOPPING = "stopping";
    private static final Logger LOG = LoggerFactory.getLogger(ProcessDriver.class);

    private final String hostId;
    private final Path logDir;
    private final HostJournal journal;
    private final ReadinessWait readiness;
    private final OwnedProcesses processes;
    private final ProcessLauncher launcher;
    private final PendingRecoveries recoveries = new PendingRecoveries();
    private volatile boolean closed;

    /**
     * Opens the host's journal in {@code logDir} and reconciles with what runs; returns once every
     * half-done action is seen through (bounded by {@code startDeadline} per instance starting).
     *
     * @throws IllegalStateException when another running executor holds the journal
     */
    public ProcessDriver(String hostId, Path logDir, Duration startDeadline) {
        this.hostId = hostId;
        this.logDir = logDir;
        this.readiness = new ReadinessWait(startDeadline, READY_POLL);
        try {
            this.journal = HostJournal.open(logDir, hostId);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the journal of " + hostId + " in " + logDir + ": "
                    + e.getMessage(), e);
        }
        this.processes = new OwnedProcesses(journal.file().toString());
        this.launcher = new ProcessLauncher(logDir, journal.file().toString());
        try {
            recoveries.addAll(new JournalRecovery(hostId, journal, processes, this::advance).run());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            journal.close();
            throw new IllegalStateException("interrupted while reconciling " + hostId, e);
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /** The result of an action: the instance that runs because of it and the one it stopped. */
    record Outcome(Entry now, Entry stopped) {
    }

    @Override
    public String hostId() {
        return hostId;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public synchronized Instance deploy(String service, String version, RunSpec run, DeployContext context)
            throws DriverException {
        checkOpen();
        DeployContext ctx = context == null ? DeployContext.NONE : context;
        ServiceState state = journal.service(service);
        Entry current = state.current();
        if (ctx.commandId() != null && current != null && ctx.commandId().equals(current.commandId())
                && processes.isOurs(current)) {
            LOG.info("{} already runs {} for command {}; not starting it twice", hostId, current.instanceId(),
                    ctx.commandId());
            return running(current).instance();
        }
        Entry planned = plan(service, version, run, ctx);
        journal.put(service, state.withAction(new Action(DEPLOY, STARTING, ctx.commandId(), ctx.deploymentId(),
                version, planned, current)));
        return running(advance(service).now()).instance();
    }

    @Override
    public Optional<RunningInstance> rollback(String service) throws DriverException {
        return rollback(service, DeployContext.NONE);
    }

    @Override
    public synchronized Optional<RunningInstance> rollback(String service, DeployContext context)
            throws DriverException {
        checkOpen();
        DeployContext ctx = context == null ? DeployContext.NONE : context;
        ServiceState state = journal.service(service);
        Release previous = state.previous();
        journal.put(service, state.withAction(new Action(ROLLBACK, STOPPING, ctx.commandId(), ctx.deploymentId(),
                previous == null ? null : previous.version(), null, state.current())));
        Entry now = advance(service).now();
        return now == null ? Optional.empty() : Optional.of(running(now));
    }

    @Override
    public Optional<RunningInstance> stop(String service) throws DriverException {
        return stop(service, DeployContext.NONE);
    }

    @Override
    public synchronized Optional<RunningInstance> stop(String service, DeployContext context) throws DriverException {
        checkOpen();
        DeployContext ctx = context == null ? DeployContext.NONE : context;
        ServiceState state = journal.service(service);
        Entry current = state.current();
        if (current == null) {
            return Optional.empty();
        }
        journal.put(service, state.withAction(new Action(STOP, STOPPING, ctx.commandId(), ctx.deploymentId(),
                current.version(), null, current)));
        advance(service);
        return Optional.of(running(current));
    }

    @Override
    public Optional<RunningInstance> current(String service) {
        Entry current = journal.service(service).current();
        return current == null ? Optional.empty() : Optional.of(running(current));
    }

    @Override
    public Optional<String> commandOf(String service) {
        Entry current = journal.service(service).current();
        return current == null ? Optional.empty() : Optional.ofNullable(current.commandId());
    }

    @Override
    public synchronized List<Recovery> recoveries() {
        return recoveries.drain();
    }

    /**
     * Stops every instance (they do not outlive the executor that is closed on purpose; one that is
     * killed leaves them to the next, which adopts them): SIGTERM to every group at once, then each
     * is killed when its grace runs out. The journal then says nothing runs and keeps what ran as the
     * version to roll back to.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Map<String, ServiceState> services = journal.services();
        List<Entry> entries = new ArrayList<>();
        services.values().forEach(s -> {
            entries.add(s.current());
            if (s.action() != null) {
                entries.add(s.action().starting());
            }
        });
        entries.removeIf(e -> e == null || e.pid() == null);
        processes.stopAll(entries);
        services.forEach((service, state) -> {
            // What ran until now is what the next executor rolls back to if the next deploy is bad.
            Entry current = state.current();
            Release previous = current == null ? state.previous() : new Release(current.version(), current.run());
            try {
                journal.put(service, new ServiceState(null, previous, null));
            } catch (DriverException e) {
                LOG.warn("Cannot record that {} stopped on {}: {}", service, hostId, e.getMessage());
            }
        });
        journal.close();
        LOG.info("Closed the process driver of {}", hostId);
    }

    // --- actions, live and after a restart ------------------------------------------------------

    /**
     * Carries the service's recorded action from its recorded phase to its end, recording each step
     * before taking it; the same code runs a live command and sees a half-done one through after a
     * restart.
     *
     * @throws DriverException when the action fails; the journal then holds no action for the service
     */
    private Outcome advance(String service) throws DriverException {
        ServiceState state = journal.service(service);
        Action action = state.action();
        try {
            return switch (action.kind()) {
                case DEPLOY -> advanceDeploy(service, state, action);
                case ROLLBACK -> advanceRollback(service, state, action);
                case STOP -> {
                    processes.stop(action.stopping());
                    journal.put(service, new ServiceState(null, state.previous(), null));
                    yield new Outcome(null, action.stopping());
                }
                default -> throw new DriverException("the journal of " + hostId + " holds an unknown action '"
                        + action.kind() + "'");
            };
        } catch (DriverException e) {
            ServiceState now = journal.service(service);
            if (now.action() != null) {
                journal.put(service, now.withAction(null));
            }
            throw e;
        }
    }

    private Outcome advanceDeploy(String service, ServiceState state, Action action) throws DriverException {
        if (STARTING.equals(action.phase())) {
            Entry fresh = startOrFind(service, action);
            try {
                awaitReady(fresh);
            } catch (DriverException e) {
                processes.stop(fresh);
                throw e;
            }
            Entry replaced = action.stopping();
            // Redeploying the running version must not make it its own rollback target.
            Release keep = replaced != null && !replaced.version().equals(fresh.version())
                    ? new Release(replaced.version(), replaced.run()) : state.previous();
            state = new ServiceState(fresh, keep, action.inPhase(STOPPING, null));
            journal.put(service, state);
        }
        processes.stop(action.stopping());
        journal.put(service, state.withAction(null));
        return new Outcome(state.current(), action.stopping());
    }

    private Outcome advanceRollback(String service, ServiceState state, Action action) throws DriverException {
        Entry stopping = action.stopping();
        if (STOPPING.equals(action.phase())) {
            processes.stop(stopping);
            Release previous = state.previous();
            if (previous == null) {
                journal.put(service, ServiceState.EMPTY);
                return new Outcome(null, stopping);
            }
            Entry planned = plan(service, previous.version(), previous.run(),
                    new DeployContext(action.deploymentId(), action.commandId()));
            action = action.inPhase(STARTING, planned);
            state = new ServiceState(null, previous, action);
            journal.put(service, state);
        }
        Entry fresh;
        try {
            fresh = startOrFind(service, action);
            awaitReady(fresh);
        } catch (DriverException e) {
            Action recorded = journal.service(service).action();
            processes.stop(recorded == null ? action.starting() : recorded.starting());
            journal.put(service, new ServiceState(null, state.previous(), null));
            String stopped = stopping == null ? "nothing was running" : "stopped " + stopping.version();
            throw new DriverException(stopped + " but could not start " + state.previous().version() + " again: "
                    + e.getMessage(), e);
        }
        journal.put(service, new ServiceState(fresh, null, null));
        return new Outcome(fresh, stopping);
    }

    /**
     * The process of the action's instance to start: the one recorded, the one found by its marker
     * (started, but killed before its pid was recorded), or a new one, recorded before it is awaited.
     */
    private Entry startOrFind(String service, Action action) throws DriverException {
        Entry entry = action.starting();
        if (entry.pid() != null) {
            return entry;
        }
        Optional<Entry> found = processes.findByMarker(entry);
        Entry started;
        if (found.isPresent()) {
            started = found.get();
            LOG.info("Found {} running as pid {} though its pid was not recorded", entry.instanceId(), started.pid());
        } else {
            started = processes.started(entry, launcher.launch(entry));
        }
        ServiceState state = journal.service(service);
        journal.put(service, state.withAction(action.inPhase(action.phase(), started)));
        return started;
    }

    // --- processes ---------------------------------------------------------------------------------

    private Entry plan(String service, String version, RunSpec run, DeployContext ctx) throws DriverException {
        if (run.command().isEmpty()) {
            throw new DriverException("the run spec of " + service + " " + version + " has no command to run");
        }
        int port = LocalFreePorts.INSTANCE.pick(Set.of());
        String shortId = Ids.newId().substring(0, 8);
        String instanceId = hostId + "/" + service + "/" + version + "/" + shortId;
        Path log = logDir.resolve(fileSafe(service) + "-" + fileSafe(version) + "-" + shortId + ".log");
        String address = "http://127.0.0.1:" + port;
        String healthPath = run.healthPath().startsWith("/") ? run.healthPath() : "/" + run.healthPath();
        return new Entry(instanceId, service, version, run, ctx.deploymentId(), ctx.commandId(), port, log.toString(),
                null, null, address, address + healthPath);
    }

    private void awaitReady(Entry entry) throws DriverException {
        readiness.await(entry.instanceId(), new InetSocketAddress(InetAddress.getLoopbackAddress(), entry.port()),
                "port " + entry.port(), new ProcessStartWatch(hostId, entry,
                        processes.child(entry.instanceId()).orElse(null), processes, () -> closed));
    }

    private void checkOpen() throws DriverException {
        if (closed) {
            throw new DriverException("the process driver of " + hostId + " is closed");
        }
    }

    static RunningInstance running(Entry entry) {
        return new RunningInstance(entry.service(), entry.version(),
                new Instance(entry.instanceId(), entry.address(), entry.healthUrl()));
    }

    private static String fileSafe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
