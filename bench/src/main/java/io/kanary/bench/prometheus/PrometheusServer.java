package io.kanary.bench.prometheus;

import io.kanary.bench.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server as a child process: its own temp directory (config, rules, TSDB, log),
 * listening on a free port of 127.0.0.1, scraping one target and evaluating one alert rule as its
 * {@link PrometheusSetup} says. {@link #close} stops it and removes the directory.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(200);

    private final PrometheusSetup setup;
    private final Process process;
    private final Path dir;
    private final URI uri;
    private final HttpClient http;
    private boolean closed;

    private PrometheusServer(PrometheusSetup setup, Process process, Path dir, URI uri, HttpClient http) {
        this.setup = setup;
        this.process = process;
        this.dir = dir;
        this.uri = uri;
        this.http = http;
    }

    /**
     * Starts {@code binary} (e.g. {@code /usr/bin/prometheus}) scraping {@code target} and returns
     * once {@code /-/ready} says so, within {@code timeout}.
     */
    public static PrometheusServer start(String binary, PrometheusSetup setup, String target, Duration timeout) {
        Path dir = TempDirs.create("kanary-prometheus-" + setup.name());
        try {
            Files.writeString(dir.resolve("rules.yml"), setup.rulesYml());
            Files.writeString(dir.resolve("prometheus.yml"), setup.prometheusYml(target, "rules.yml"));
            String address = "127.0.0.1:" + freePort();
            Process process = new ProcessBuilder(List.of(binary,
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=" + address))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            PrometheusServer server = new PrometheusServer(setup, process, dir, URI.create("http://" + address), http);
            try {
                server.awaitReady(timeout);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            TempDirs.delete(dir);
            throw new UncheckedIOException("could not start " + binary
                    + " (install Debian's prometheus package, or pass --prometheus PATH)", e);
        }
    }

    /** The first line of {@code binary --version}, e.g. {@code prometheus, version 2.42.0+ds (...)}. */
    public static String version(String binary) {
        try {
            Process process = new ProcessBuilder(List.of(binary, "--version")).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(binary + " --version did not answer in 30 s");
            }
            return output.lines().findFirst().orElse("?").trim();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + binary
                    + " (install Debian's prometheus package, or pass --prometheus PATH)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public PrometheusSetup setup() {
        return setup;
    }

    public URI uri() {
        return uri;
    }

    /** Its scratch directory: config, rules, TSDB and log. */
    Path directory() {
        return dir;
    }

    boolean running() {
        return process.isAlive();
    }

    /** Whether its last scrape of the exporter succeeded (false before the first one). */
    public boolean targetUp() {
        return get("/api/v1/targets?state=active").contains("\"health\":\"up\"");
    }

    /**
     * Per value of {@code label}, the evaluation at which the alert was first firing, between
     * {@code from} and {@code to}; a range query stepping at the evaluation interval.
     */
    public Map<String, Instant> firstFirings(String label, Instant from, Instant to) {
        String json = get("/api/v1/query_range?query=" + encode(AlertFirings.promql(setup.alert()))
                + "&start=" + seconds(from) + "&end=" + seconds(to) + "&step=" + setup.interval().toSeconds() + "s");
        return AlertFirings.firstFiring(json, label);
    }

    /** An instant query's first value at {@code at}, or null when it has none. */
    public Double query(String promql, Instant at) {
        return AlertFirings.firstValue(get("/api/v1/query?query=" + encode(promql) + "&time=" + seconds(at)));
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus (" + setup.name() + ") exited with " + process.exitValue()
                        + ":\n" + logTail());
            }
            try {
                HttpResponse<Void> ready = http.send(request("/-/ready"), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // It is still starting: try again after the pause below.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for prometheus", e);
            }
            pause();
        }
        throw new IllegalStateException("prometheus (" + setup.name() + ") not ready within " + timeout + ":\n" + logTail());
    }

    private String get(String pathAndQuery) {
        try {
            HttpResponse<String> response = http.send(request(pathAndQuery), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("prometheus (" + setup.name() + ") answered " + response.statusCode()
                        + " to " + pathAndQuery + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("prometheus (" + setup.name() + ") at " + uri + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking prometheus", e);
        }
    }

    private HttpRequest request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri.resolve(pathAndQuery)).timeout(REQUEST_TIMEOUT).GET().build();
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("prometheus.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after 10 s) and removes its directory; again is a no-op. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        TempDirs.delete(dir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String seconds(Instant at) {
        return String.format(Locale.ROOT, "%.3f", at.toEpochMilli() / 1000.0);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for prometheus", e);
        }
    }
}
