package io.kanary.bench.watcher;

import io.kanary.health.HealthWatcher;
import io.kanary.health.traffic.PrometheusText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The real health-watcher in a JVM of its own ({@link HealthWatcher#main}, configured by its
 * environment as in production), so that its CPU time is its own: the bench's JVM also runs the
 * broker, the HTTP instances and the reader of health.probes.
 */
final class WatcherProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int metricsPort;
    private final Path log;
    /** Stops the watcher's JVM if the bench's is stopped first (Ctrl-C), so no watcher outlives its bench. */
    private final Thread reaper;

    private WatcherProcess(Process process, int metricsPort, Path log) {
        this.process = process;
        this.metricsPort = metricsPort;
        this.log = log;
        this.reaper = new Thread(process::destroyForcibly, "watcher-bench-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts a watcher against {@code bootstrap} probing every {@code intervalMs} on {@code loops} event loops. */
    static WatcherProcess start(String bootstrap, long intervalMs, int loops, String groupId, Path log) {
        int port = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xms512m", "-Xmx512m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        // e.g. -Dkanary.bench.watcherJvmArgs=-XX:StartFlightRecording=filename=/tmp/w.jfr to profile the watcher
        String extra = System.getProperty("kanary.bench.watcherJvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), HealthWatcher.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("HEALTH_PROBE_INTERVAL_MS", Long.toString(intervalMs));
        env.put("HEALTH_PROBE_LOOPS", Integer.toString(loops));
        env.put("HEALTH_GROUP_ID", groupId);
        env.put("KANARY_METRICS_PORT", Integer.toString(port));
        try {
            return new WatcherProcess(builder.start(), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the health-watcher's JVM (" + java + "): " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CPU time the watcher's JVM used so far (user and system), in seconds. */
    double cpuSeconds() {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9)
                .orElseThrow(() -> new IllegalStateException("This OS does not report the CPU time of a process"));
    }

    /** The samples of its /metrics whose name starts with {@code prefix}; empty while it is not serving yet. */
    List<PrometheusText.Sample> metrics(String prefix) {
        if (!process.isAlive()) {
            throw new IllegalStateException("The health-watcher's JVM exited with " + process.exitValue() + "; see " + log);
        }
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return PrometheusText.parse(response.body(), name -> name.startsWith(prefix));
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** How many instances it probes now, or -1 while it is not serving its metrics yet. */
    int watchedInstances() {
        return metrics("kanary_watcher_instances").stream().mapToInt(s -> (int) s.value()).findFirst().orElse(-1);
    }

    /** The cumulative bucket counts of its send-delay histogram, by upper bound in seconds. */
    TreeMap<Double, Double> sendDelayBuckets() {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (PrometheusText.Sample s : metrics("kanary_probe_send_delay_seconds_bucket")) {
            buckets.merge(PrometheusText.number(s.labels().get("le")), s.value(), Double::sum);
        }
        return buckets;
    }

    @Override
    public void close() {
        Runtime.getRuntime().removeShutdownHook(reaper);
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
