package io.kanary.executor.driver;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kanary.kafka.Json;
import io.kanary.schema.RunSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process driver's write-ahead journal of one host: what runs (pid, process start time, port,
 * log, the command that started it), what to roll back to, and the action under way. The driver
 * writes what it is about to do before it does it, so an executor started after a crash knows
 * every process the last one started, even one it was killed in the middle of starting.
 *
 * <p>Each write replaces the whole file atomically: the new state goes to a temporary file, is
 * forced to disk, and is renamed over the journal (then the directory is forced), so a crash
 * leaves either the old state or the new, never a torn one. A file that cannot be read anyway
 * (garbage written by something else) is moved aside and the host starts from an empty state,
 * whose reconciliation stops every process the lost journal had started.
 *
 * <p>One executor at a time: the journal's directory holds a lock file that the operating system
 * releases when the process holding it dies, however it dies.
 */
final class HostJournal implements AutoCloseable {
    static final String FILE = "journal.json";
    static final String LOCK = "journal.lock";
    static final int FORMAT = 1;
    private static final Logger LOG = LoggerFactory.getLogger(HostJournal.class);

    /**
     * One instance process.
     *
     * @param pid          null until the process is started
     * @param processStart the process's start time as the OS reports it, so a recycled pid is never taken for it
     */
    record Entry(String instanceId, String service, String version, RunSpec run, String deploymentId,
                 String commandId, int port, String log, Long pid, Instant processStart, String address,
                 String healthUrl) {
        Entry withProcess(long pid, Instant processStart) {
            return new Entry(instanceId, service, version, run, deploymentId, commandId, port, log, pid, processStart,
                    address, healthUrl);
        }
    }

    /** A version and how to run it: what a rollback brings back. */
    record Release(String version, RunSpec run) {
    }

    /**
     * An action under way. {@code kind} is {@code deploy}, {@code rollback} or {@code stop};
     * {@code phase} is {@code starting} (the new instance is being started) or {@code stopping}
     * (the instance being replaced or stopped is being stopped).
     */
    record Action(String kind, String phase, String commandId, String deploymentId, String version, Entry starting,
                  Entry stopping) {
        Action inPhase(String next, Entry startingNow) {
            return new Action(kind, next, commandId, deploymentId, version, startingNow, stopping);
        }
    }

    /** One service on the host. */
    record ServiceState(Entry current, Release previous, Action action) {
        static final ServiceState EMPTY = new ServiceState(null, null, null);

        ServiceState withCurrent(Entry next) {
            return new ServiceState(next, previous, action);
        }

        ServiceState withAction(Action next) {
            return new ServiceState(current, previous, next);
        }

        boolean holdsNothing() {
            return current == null && previous == null && action == null;
        }
    }

    record State(int format, String hostId, Map<String, ServiceState> services) {
        State {
            services = services == null ? Map.of() : Map.copyOf(services);
        }
    }

    private final Path dir;
    private final String hostId;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Map<String, ServiceState> services = new LinkedHashMap<>();
    private boolean closed;

    private HostJournal(Path dir, String hostId, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.hostId = hostId;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Takes the journal of {@code hostId} in {@code dir} and reads it.
     *
     * @throws IllegalStateException when another running executor holds it
     */
    static HostJournal open(Path where, String hostId) throws IOException {
        // Absolute, because instances carry the journal's path as their marker.
        Path dir = where.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("the journal of " + hostId + " in " + dir + " is held by another running "
                    + "executor; give each executor its own directory (KANARY_EXECUTOR_LOG_DIR or kanary up --data-dir)");
        }
        HostJournal journal = new HostJournal(dir, hostId, channel, lock);
        journal.read();
        return journal;
    }

    Path file() {
        return dir.resolve(FILE);
    }

    private void read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file());
        } catch (NoSuchFileException e) {
            return;
        }
        try {
            State state = Json.mapper().readValue(bytes, State.class);
            if (state == null || state.format() != FORMAT) {
                throw new IOException("unknown journal format " + (state == null ? "null" : state.format()));
            }
            services.putAll(state.services());
        } catch (IOException | RuntimeException e) {
            Path aside = dir.resolve(FILE + ".unreadable-" + System.currentTimeMillis());
            Files.move(file(), aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.error("The journal of {} cannot be read ({}); moved it to {} and starting from an empty one: every "
                    + "process it had started will be stopped", hostId, e.getMessage(), aside);
        }
    }

    synchronized Map<String, ServiceState> services() {
        return Map.copyOf(services);
    }

    synchronized ServiceState service(String service) {
        return services.getOrDefault(service, ServiceState.EMPTY);
    }

    /** Records {@code state} for {@code service} on disk before returning. */
    synchronized void put(String service, ServiceState state) throws DriverException {
        if (closed) {
            throw new DriverException("the journal of " + hostId + " is closed");
        }
        if (state.holdsNothing()) {
            services.remove(service);
        } else {
            services.put(service, state);
        }
        try {
            write(new State(FORMAT, hostId, services));
        } catch (IOException e) {
            throw new DriverException("cannot write the journal of " + hostId + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void write(State state) throws IOException {
        byte[] bytes;
        try {
            bytes = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(state);
        } catch (JsonProcessingException e) {
            throw new IOException(e.getMessage(), e);
        }
        Path tmp = dir.resolve(FILE + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        try {
            Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING);
        }
        // The rename is durable only once the directory is.
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            LOG.debug("Cannot force directory {}: {}", dir, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.debug("Releasing the journal lock of {}: {}", hostId, e.getMessage());
        }
    }
}
