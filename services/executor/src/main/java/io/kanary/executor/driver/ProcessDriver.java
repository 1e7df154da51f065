package io.kanary.executor.driver;

import io.kanary.kafka.Ids;
import io.kanary.schema.Instance;
import io.kanary.schema.RunSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 */
public final class ProcessDriver implements HostDriver {
    public static final String KIND = "process";
    public static final Duration DEFAULT_START_DEADLINE = Duration.ofSeconds(30);
    public static final String PORT_PLACEHOLDER = "{port}";

    /** All a child gets from our environment: enough to find programs and read text, no secrets. */
    private static final Set<String> INHERITED_ENV = Set.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR");
    private static final Duration READY_POLL = Duration.ofMillis(100);
    private static final int CONNECT_TIMEOUT_MS = 250;
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final int LOG_TAIL_LINES = 15;
    private static final int LOG_TAIL_BYTES = 8192;
    private static final Logger LOG = LoggerFactory.getLogger(ProcessDriver.class);

    private final String hostId;
    private final Path logDir;
    private final Duration startDeadline;
    private final Map<String, String> inheritedEnv;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    /** Every process started and not yet reaped, so close() can stop them even mid-deploy. */
    private final Set<Launched> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public ProcessDriver(String hostId, Path logDir, Duration startDeadline) {
        this.hostId = hostId;
        this.logDir = logDir;
        this.startDeadline = startDeadline;
        this.inheritedEnv = System.getenv().entrySet().stream()
                .filter(e -> INHERITED_ENV.contains(e.getKey()))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** The version a service runs and the one it replaced, which rollback brings back. */
    private static final class Slot {
        volatile Launched current;
        volatile Release previous;
    }

    private record Release(String version, RunSpec run) {
    }

    private record Launched(RunningInstance running, Release release, Process process, Path log) {
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
        Slot slot = slots.computeIfAbsent(service, s -> new Slot());
        Launched started = launch(service, new Release(version, run));
        Launched replaced = slot.current;
        slot.current = started;
        if (replaced != null) {
            // Redeploying the running version must not make it its own rollback target.
            if (!replaced.release().version().equals(version)) {
                slot.previous = replaced.release();
            }
            terminate(replaced);
        }
        return started.running().instance();
    }

    @Override
    public synchronized Optional<RunningInstance> rollback(String service) throws DriverException {
        checkOpen();
        Slot slot = slots.computeIfAbsent(service, s -> new Slot());
        Launched current = slot.current;
        if (current != null) {
            terminate(current);
            slot.current = null;
        }
        Release previous = slot.previous;
        if (previous == null) {
            return Optional.empty();
        }
        try {
            Launched back = launch(service, previous);
            slot.current = back;
            slot.previous = null;
            return Optional.of(back.running());
        } catch (DriverException e) {
            String stopped = current == null ? "nothing was running" : "stopped " + current.release().version();
            throw new DriverException(stopped + " but could not start " + previous.version() + " again: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Optional<RunningInstance> stop(String service) {
        Slot slot = slots.get(service);
        Launched current = slot == null ? null : slot.current;
        if (current == null) {
            return Optional.empty();
        }
        terminate(current);
        slot.current = null;
        return Optional.of(current.running());
    }

    @Override
    public Optional<RunningInstance> current(String service) {
        Slot slot = slots.get(service);
        Launched current = slot == null ? null : slot.current;
        return current == null ? Optional.empty() : Optional.of(current.running());
    }

    /** Stops every process at once: all get SIGTERM, then each is killed when its grace runs out. */
    @Override
    public void close() {
        closed = true;
        List<Launched> all = new ArrayList<>(live);
        all.forEach(ProcessDriver::requestStop);
        long start = System.nanoTime();
        for (Launched launched : all) {
            long graceLeft = launched.release().run().stopGraceMs() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            awaitExit(launched, Math.max(0, graceLeft));
        }
        slots.clear();
    }

    private void checkOpen() throws DriverException {
        if (closed) {
            throw new DriverException("the process driver of " + hostId + " is closed");
        }
    }

    private Launched launch(String service, Release release) throws DriverException {
        int port = freePort();
        String shortId = Ids.newId().substring(0, 8);
        String instanceId = hostId + "/" + service + "/" + release.version() + "/" + shortId;
        List<String> argv = release.run().command().stream()
                .map(arg -> arg.replace(PORT_PLACEHOLDER, Integer.toString(port)))
                .toList();
        if (argv.isEmpty()) {
            throw new DriverException("the run spec of " + service + " " + release.version() + " has no command to run");
        }
        Path log = logDir.resolve(fileSafe(service) + "-" + fileSafe(release.version()) + "-" + shortId + ".log");
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(inheritedEnv);
        env.putAll(release.run().env());
        env.put("PORT", Integer.toString(port));
        Process process;
        try {
            Files.createDirectories(logDir);
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new DriverException("cannot start " + instanceId + ": " + e.getMessage(), e);
        }
        String address = "http://127.0.0.1:" + port;
        String healthPath = release.run().healthPath().startsWith("/")
                ? release.run().healthPath() : "/" + release.run().healthPath();
        Instance instance = new Instance(instanceId, address, address + healthPath);
        Launched launched = new Launched(new RunningInstance(service, release.version(), instance), release, process, log);
        live.add(launched);
        LOG.info("Launched {} (pid {}) on port {}, log {}", instanceId, process.pid(), port, log);
        awaitReady(launched, port);
        return launched;
    }

    private void awaitReady(Launched launched, int port) throws DriverException {
        Process process = launched.process();
        String instanceId = launched.running().instance().instanceId();
        long deadline = System.nanoTime() + startDeadline.toNanos();
        while (true) {
            if (closed) {
                terminate(launched);
                throw new DriverException("the process driver of " + hostId + " closed while " + instanceId + " was starting");
            }
            if (!process.isAlive()) {
                live.remove(launched);
                throw new DriverException(instanceId + " exited with code " + process.exitValue()
                        + " before accepting connections on port " + port + logTail(launched.log()));
            }
            if (acceptsConnections(port)) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                terminate(launched);
                throw new DriverException(instanceId + " did not accept connections on port " + port + " within "
                        + startDeadline.toMillis() + " ms" + logTail(launched.log()));
            }
            try {
                // Doubles as the pause between attempts and returns at once if the process exits.
                process.waitFor(READY_POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill(launched);
                Thread.currentThread().interrupt();
                throw new DriverException("interrupted while " + instanceId + " was starting", e);
            }
        }
    }

    private void terminate(Launched launched) {
        requestStop(launched);
        awaitExit(launched, launched.release().run().stopGraceMs());
    }

    /** SIGTERM to the process and whatever it started, so they can shut down cleanly. */
    private static void requestStop(Launched launched) {
        launched.process().descendants().forEach(ProcessHandle::destroy);
        launched.process().destroy();
    }

    private void awaitExit(Launched launched, long graceMs) {
        Process process = launched.process();
        try {
            if (!process.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
                LOG.warn("{} did not stop within {} ms of SIGTERM; killing it",
                        launched.running().instance().instanceId(), graceMs);
                kill(launched);
            }
        } catch (InterruptedException e) {
            kill(launched);
            Thread.currentThread().interrupt();
        }
        live.remove(launched);
        LOG.info("Stopped {}", launched.running().instance().instanceId());
    }

    private void kill(Launched launched) {
        Process process = launched.process();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        live.remove(launched);
    }

    private static boolean acceptsConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws DriverException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new DriverException("cannot find a free port: " + e.getMessage(), e);
        }
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
