package io.kanary.executor.driver;

import io.kanary.executor.driver.HostJournal.Entry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Watches an instance's process while it starts: gives up as soon as it exits (with its exit code
 * when this driver started it, and the last lines of its log) or the driver closes.
 */
final class ProcessStartWatch implements ReadinessWait.Watch {
    private static final int LOG_TAIL_LINES = 15;
    private static final int LOG_TAIL_BYTES = 8192;

    private final String hostId;
    private final Entry entry;
    /** Null for a process adopted from an earlier executor: then only its pid and markers tell. */
    private final Process child;
    private final OwnedProcesses processes;
    private final BooleanSupplier driverClosed;

    ProcessStartWatch(String hostId, Entry entry, Process child, OwnedProcesses processes, BooleanSupplier driverClosed) {
        this.hostId = hostId;
        this.entry = entry;
        this.child = child;
        this.processes = processes;
        this.driverClosed = driverClosed;
    }

    @Override
    public void check(int attempt) throws DriverException {
        if (driverClosed.getAsBoolean()) {
            throw new DriverException("the process driver of " + hostId + " closed while " + entry.instanceId()
                    + " was starting");
        }
        boolean alive = child != null ? child.isAlive() : processes.isOurs(entry);
        if (!alive) {
            String code = child != null ? " with code " + child.exitValue() : "";
            throw new DriverException(entry.instanceId() + " exited" + code + " before accepting connections on port "
                    + entry.port() + logTail());
        }
    }

    @Override
    public void pause(Duration poll) throws InterruptedException {
        // Returns at once if our child exits.
        if (child != null) {
            child.waitFor(poll.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            TimeUnit.MILLISECONDS.sleep(poll.toMillis());
        }
    }

    @Override
    public String logTail() {
        return logTail(Path.of(entry.log()));
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
}
