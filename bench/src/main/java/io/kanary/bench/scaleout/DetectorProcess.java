package io.kanary.bench.scaleout;

import io.kanary.detector.BreachDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One breach-detector in an OS process of its own ({@link BreachDetector}'s main, from this JVM's
 * classpath), as a unit file or a container runs it: configured by environment variables only, its
 * output in a log file. It can be killed with SIGKILL, as in a crash.
 */
public final class DetectorProcess implements AutoCloseable {
    /** What the detector logs once its Streams job is RUNNING. */
    static final String READY_LINE = "breach-detector running as";
    /**
     * A short session, so that the group notices a killed member within seconds rather than Kafka's
     * default 45 s; the broker's group.min.session.timeout.ms is 6 s.
     */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

    private final String name;
    private final Process process;
    private final Path log;

    private DetectorProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts a detector of {@code applicationId} on {@code bootstrap}, named {@code name} (its Kafka
     * client id, so its group member can be told apart), with its own state directory and log.
     */
    public static DetectorProcess start(String name, String bootstrap, String applicationId, Path workDir, String heap) {
        return start(name, bootstrap, applicationId, workDir, heap, Map.of());
    }

    /** The same, with {@code env} added to its environment (e.g. a {@code KAFKA_*} Streams setting). */
    public static DetectorProcess start(String name, String bootstrap, String applicationId, Path workDir, String heap,
                                        Map<String, String> extraEnv) {
        Path log = workDir.resolve(name + ".log");
        Path stateDir = workDir.resolve(name + "-state");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx" + heap, "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), BreachDetector.class.getName()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        // Only what is set here: a KAFKA_* or BREACH_DETECTOR_* of the caller's shell would change the run.
        env.keySet().removeIf(key -> key.startsWith("KAFKA_") || key.startsWith("BREACH_DETECTOR_"));
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("KAFKA_CLIENT_ID", name);
        env.put("KAFKA_SESSION_TIMEOUT_MS", Long.toString(SESSION_TIMEOUT.toMillis()));
        env.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
        env.put("BREACH_DETECTOR_APPLICATION_ID", applicationId);
        env.put("BREACH_DETECTOR_STATE_DIR", stateDir.toString());
        env.putAll(extraEnv);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            return new DetectorProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the detector process " + name + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** Waits until the detector logged that it runs; fails when it exits first or takes longer than {@code timeout}. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!logged(READY_LINE)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The detector process " + name + " exited with " + process.exitValue()
                        + " before it ran; see " + log);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("The detector process " + name + " did not run within "
                        + timeout.toSeconds() + " s; see " + log);
            }
            try {
                Thread.sleep(100); // polling a log file: nothing to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
    }

    private boolean logged(String line) {
        try {
            return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(line);
        } catch (IOException e) {
            return false;
        }
    }

    /** CPU time (user and system) the process has used so far, or zero once it is gone. */
    public Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Resident memory (VmRSS) in KiB, read from /proc; -1 where there is none. */
    public long rssKiB() {
        return ProcRss.ofPid(process.pid());
    }

    /** SIGKILL: no shutdown hook runs and no transaction is committed, as in a crash. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM (the detector closes its Streams job), then SIGKILL if it has not stopped within 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill9();
            }
        }
    }
}
