package io.kanary.executor.driver;

import io.kanary.executor.driver.HostJournal.Action;
import io.kanary.executor.driver.HostJournal.Entry;
import io.kanary.executor.driver.HostJournal.Release;
import io.kanary.executor.driver.HostJournal.ServiceState;
import io.kanary.kafka.Ids;
import io.kanary.schema.Instance;
import io.kanary.schema.RunSpec;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
 * {@value #INSTANCE_ENV}. A driver started after the last executor was killed reconciles with the
 * world before taking any command: it adopts the instances the journal says run (same pid and
 * same process start time, or the instance's own marker, so a recycled pid is never adopted),
 * sees a half-done action through or gives it up ({@link #recoveries()}), reports instances that
 * died meanwhile, and stops every process carrying its journal's marker that is not an instance
 * it runs. It never starts a second copy for a command: a deploy seen again whose instance runs
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

    /** All a child gets from our environment: enough to find programs and read text, no secrets. */
    private static final Set<String> INHERITED_ENV = Set.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR");
    private static final Duration READY_POLL = Duration.ofMillis(100);
    private static final int LOG_TAIL_LINES = 15;
    private static final int LOG_TAIL_BYTES = 8192;
    private static final String DEPLOY = "deploy";
    private static final String ROLLBACK = "rollback";
    private static final String STOP = "stop";
    private static final String STARTING = "starting";
    private static final String STOPPING = "stopping";
    private static final Logger LOG = LoggerFactory.getLogger(ProcessDriver.class);

    private final String hostId;
    private final Path logDir;
    private final Map<String, String> inheritedEnv;
    private final HostJournal journal;
    private final ReadinessWait readiness;
    /** The processes this driver started, by instance id: they give exit codes; adopted ones do not. */
    private final Map<String, Process> children = new ConcurrentHashMap<>();
    private final List<Recovery> recoveries = new ArrayList<>();
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
        this.inheritedEnv = System.getenv().entrySet().stream()
                .filter(e -> INHERITED_ENV.contains(e.getKey()))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
        try {
            this.journal = HostJournal.open(logDir, hostId);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the journal of " + hostId + " in " + logDir + ": "
                    + e.getMessage(), e);
        }
        try {
            reconcile();
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
    private record Outcome(Entry now, Entry stopped) {
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
                && isOurs(current)) {
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
        List<Recovery> found = List.copyOf(recoveries);
        recoveries.clear();
        return found;
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
        Set<Long> leaders = new LinkedHashSet<>();
        entries.stream().filter(this::isOurs).forEach(e -> leaders.add(e.pid()));
        leaders.addAll(ProcessTable.withEnv(JOURNAL_ENV, journal.file().toString()));
        leaders.forEach(leader -> ProcessGroups.members(leader)
                .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy)));
        long grace = entries.stream().mapToLong(e -> e.run().stopGraceMs()).max().orElse(RunSpec.DEFAULT_STOP_GRACE_MS);
        try {
            for (long leader : leaders) {
                ProcessGroups.stop(leader, grace);
            }
        } catch (InterruptedException e) {
            leaders.forEach(leader -> ProcessGroups.members(leader)
                    .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly)));
            Thread.currentThread().interrupt();
        }
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
        for (Process child : children.values()) {
            try {
                child.waitFor(ProcessGroups.KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        children.clear();
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
                    stopInstance(action.stopping());
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
                stopInstance(fresh);
                throw e;
            }
            Entry replaced = action.stopping();
            // Redeploying the running version must not make it its own rollback target.
            Release keep = replaced != null && !replaced.version().equals(fresh.version())
                    ? new Release(replaced.version(), replaced.run()) : state.previous();
            state = new ServiceState(fresh, keep, action.inPhase(STOPPING, null));
            journal.put(service, state);
        }
        stopInstance(action.stopping());
        journal.put(service, state.withAction(null));
        return new Outcome(state.current(), action.stopping());
    }

    private Outcome advanceRollback(String service, ServiceState state, Action action) throws DriverException {
        Entry stopping = action.stopping();
        if (STOPPING.equals(action.phase())) {
            stopInstance(stopping);
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
            stopInstance(recorded == null ? action.starting() : recorded.starting());
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
        Optional<Entry> found = findByMarker(entry);
        Entry started;
        if (found.isPresent()) {
            started = found.get();
            LOG.info("Found {} running as pid {} though its pid was not recorded", entry.instanceId(), started.pid());
        } else {
            Process process = spawn(entry);
            children.put(entry.instanceId(), process);
            started = entry.withProcess(process.pid(), startInstant(process.pid()));
        }
        ServiceState state = journal.service(service);
        journal.put(service, state.withAction(action.inPhase(action.phase(), started)));
        return started;
    }

    // --- reconciliation ----------------------------------------------------------------------------

    private void reconcile() throws InterruptedException {
        Map<String, ServiceState> services = journal.services();
        for (Map.Entry<String, ServiceState> entry : services.entrySet()) {
            String service = entry.getKey();
            Action action = entry.getValue().action();
            if (action != null) {
                recoveries.add(seeThrough(service, action));
            }
            Entry current = journal.service(service).current();
            if (current != null) {
                if (isOurs(current)) {
                    LOG.info("Adopted {} (pid {}) on {}", current.instanceId(), current.pid(), hostId);
                } else {
                    LOG.warn("{} stopped while no executor watched it", current.instanceId());
                    stopInstance(current);
                    try {
                        journal.put(service, journal.service(service).withCurrent(null));
                    } catch (DriverException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                    recoveries.add(new Recovery(Recovery.Kind.EXITED, current.commandId(), current.deploymentId(),
                            service, current.version(), running(current), null, null));
                }
            }
        }
        stopUnmanaged();
    }

    private Recovery seeThrough(String service, Action action) {
        LOG.info("Seeing through the {} of {} {} (command {}) that the last executor of {} left {}", action.kind(),
                service, action.version(), action.commandId(), hostId, action.phase());
        try {
            Outcome outcome = advance(service);
            Recovery.Kind kind = switch (action.kind()) {
                case DEPLOY -> Recovery.Kind.DEPLOYED;
                case ROLLBACK -> Recovery.Kind.ROLLED_BACK;
                default -> Recovery.Kind.STOPPED;
            };
            String version = outcome.now() != null ? outcome.now().version() : action.version();
            return new Recovery(kind, action.commandId(), action.deploymentId(), service, version,
                    outcome.stopped() == null ? null : running(outcome.stopped()),
                    outcome.now() == null ? null : running(outcome.now()), null);
        } catch (DriverException e) {
            // A failed deploy stopped nothing; a failed rollback stopped what it rolled back.
            Entry stopped = DEPLOY.equals(action.kind()) ? null : action.stopping();
            return new Recovery(Recovery.Kind.FAILED, action.commandId(), action.deploymentId(), service,
                    action.version(), stopped == null ? null : running(stopped), null, e.getMessage());
        }
    }

    /** Stops every process that carries this journal's marker but is no instance the journal runs. */
    private void stopUnmanaged() throws InterruptedException {
        Set<String> managed = journal.services().values().stream()
                .map(ServiceState::current)
                .filter(Objects::nonNull)
                .map(Entry::instanceId)
                .collect(Collectors.toSet());
        for (long pid : ProcessTable.withEnv(JOURNAL_ENV, journal.file().toString())) {
            String instanceId = ProcessTable.env(pid, INSTANCE_ENV).orElse("?");
            if (!managed.contains(instanceId)) {
                LOG.warn("Stopping pid {} ({}): it was started for {} but is no instance the journal runs", pid,
                        instanceId, hostId);
                ProcessGroups.stop(pid, RunSpec.DEFAULT_STOP_GRACE_MS);
            }
        }
    }

    /** Whether the entry's process runs and is the one recorded, not a process that reused its pid. */
    private boolean isOurs(Entry entry) {
        if (entry == null || entry.pid() == null || !ProcessTable.running(entry.pid())) {
            return false;
        }
        Instant started = startInstant(entry.pid());
        if (started != null && started.equals(entry.processStart())) {
            return true;
        }
        return ProcessTable.env(entry.pid(), INSTANCE_ENV).filter(entry.instanceId()::equals).isPresent();
    }

    private Optional<Entry> findByMarker(Entry entry) {
        return ProcessTable.withEnv(INSTANCE_ENV, entry.instanceId()).stream()
                .filter(pid -> ProcessTable.env(pid, JOURNAL_ENV).filter(journal.file().toString()::equals).isPresent())
                // The leader of the instance's group; its children carry the marker too.
                .filter(pid -> ProcessTable.stat(pid).map(s -> s.processGroup() == pid).orElse(true))
                .findFirst()
                .map(pid -> entry.withProcess(pid, startInstant(pid)));
    }

    private static Instant startInstant(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).orElse(null);
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

    private Process spawn(Entry entry) throws DriverException {
        String port = Integer.toString(entry.port());
        List<String> argv = entry.run().command().stream()
                .map(arg -> arg.replace(PORT_PLACEHOLDER, port))
                .toList();
        Map<String, String> env = new HashMap<>(inheritedEnv);
        env.putAll(entry.run().env());
        env.put("PORT", port);
        // Last, so that no run spec can pass itself off as another instance.
        env.put(JOURNAL_ENV, journal.file().toString());
        env.put(INSTANCE_ENV, entry.instanceId());
        // setsid executes the program itself, so a missing program must be caught here to be named clearly.
        if (!isExecutable(argv.get(0), env.get("PATH"))) {
            throw new DriverException("cannot start " + entry.instanceId() + ": " + argv.get(0)
                    + ": No such file or directory (or not executable), looked up on PATH " + env.get("PATH"));
        }
        ProcessBuilder builder = new ProcessBuilder(ProcessGroups.inOwnGroup(argv))
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(new File(entry.log())));
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process;
        try {
            Files.createDirectories(logDir);
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new DriverException("cannot start " + entry.instanceId() + ": " + e.getMessage(), e);
        }
        LOG.info("Launched {} (pid {}) on port {}, log {}", entry.instanceId(), process.pid(), port, entry.log());
        return process;
    }

    private static boolean isExecutable(String program, String path) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private void awaitReady(Entry entry) throws DriverException {
        Process process = children.get(entry.instanceId());
        readiness.await(entry.instanceId(), new InetSocketAddress(InetAddress.getLoopbackAddress(), entry.port()),
                "port " + entry.port(), new ReadinessWait.Watch() {
                    @Override
                    public void check(int attempt) throws DriverException {
                        if (closed) {
                            throw new DriverException("the process driver of " + hostId + " closed while "
                                    + entry.instanceId() + " was starting");
                        }
                        boolean alive = process != null ? process.isAlive() : isOurs(entry);
                        if (!alive) {
                            String code = process != null ? " with code " + process.exitValue() : "";
                            throw new DriverException(entry.instanceId() + " exited" + code
                                    + " before accepting connections on port " + entry.port() + logTail());
                        }
                    }

                    @Override
                    public void pause(Duration poll) throws InterruptedException {
                        // Returns at once if our child exits.
                        if (process != null) {
                            process.waitFor(poll.toMillis(), TimeUnit.MILLISECONDS);
                        } else {
                            TimeUnit.MILLISECONDS.sleep(poll.toMillis());
                        }
                    }

                    @Override
                    public String logTail() {
                        return ProcessDriver.logTail(Path.of(entry.log()));
                    }
                });
    }

    /**
     * Stops the entry's whole process group (SIGTERM, SIGKILL after its grace), and any process
     * still carrying its marker; a recycled pid is never signalled.
     */
    private void stopInstance(Entry entry) {
        if (entry == null) {
            return;
        }
        Set<Long> leaders = new LinkedHashSet<>();
        if (isOurs(entry)) {
            leaders.add(entry.pid());
        }
        // The leader may be gone while processes it started run on.
        leaders.addAll(ProcessTable.withEnv(INSTANCE_ENV, entry.instanceId()).stream()
                .filter(pid -> ProcessTable.env(pid, JOURNAL_ENV).filter(journal.file().toString()::equals).isPresent())
                .toList());
        boolean interrupted = Thread.interrupted();
        for (long leader : leaders) {
            try {
                if (!interrupted) {
                    if (!ProcessGroups.stop(leader, entry.run().stopGraceMs())) {
                        LOG.error("{} (pid {}) did not stop even when killed", entry.instanceId(), leader);
                    }
                    continue;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            // Interrupted: no waiting, kill at once.
            ProcessGroups.members(leader).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
        Process child = children.remove(entry.instanceId());
        if (child != null && !interrupted) {
            // Reaped, not just exited: to the JVM and to ps it is gone once this returns.
            try {
                child.waitFor(ProcessGroups.KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Stopped {}", entry.instanceId());
    }

    private void checkOpen() throws DriverException {
        if (closed) {
            throw new DriverException("the process driver of " + hostId + " is closed");
        }
    }

    private static RunningInstance running(Entry entry) {
        return new RunningInstance(entry.service(), entry.version(),
                new Instance(entry.instanceId(), entry.address(), entry.healthUrl()));
    }

    /** The last lines of an instance's log, for a failure reason that says why it did not come up. */
    static String logTail(Path log) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, file.length() - LOG_TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            if (lines.isEmpty()) {
                return "; its log " + log + " is empty";
            }
            return "; last lines of its log " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "; its log " + log + " cannot be read: " + e.getMessage();
        }
    }

    private static String fileSafe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
