package io.kanary.cli.stack;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.kafka.Json;
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
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's real Prometheus as a child process of a test: its own temporary directory (config, TSDB,
 * log), a free port of 127.0.0.1, scraping one target every second. {@link #close} stops it and
 * removes the directory.
 */
final class PrometheusProcess implements AutoCloseable {
    static final String BINARY = "/usr/bin/prometheus";
    static final String JOB = "kanary";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path dir;
    private final URI uri;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusProcess(Process process, Path dir, URI uri) {
        this.process = process;
        this.dir = dir;
        this.uri = uri;
    }

    /**
     * {@link #BINARY}, if it is there to run; otherwise the test is skipped with the reason, or fails
     * when {@code CI} is set (CI installs the package, so a skip there would hide a test that never ran).
     */
    static String requireBinary() {
        if (!Files.isExecutable(Path.of(BINARY))) {
            String why = BINARY + " is missing: install Debian's prometheus package (apt-get install prometheus)";
            if (System.getenv("CI") != null) {
                fail("The Prometheus scrape test cannot run, and CI is set: " + why);
            }
            Assumptions.abort("Skipping: " + why);
        }
        return BINARY;
    }

    /** Starts Prometheus scraping {@code metricsUrl} (e.g. {@code http://127.0.0.1:8080/metrics}) every second. */
    static PrometheusProcess start(String binary, String metricsUrl) throws IOException {
        URI target = URI.create(metricsUrl);
        Path dir = Files.createTempDirectory("kanary-prometheus-");
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: %s
                    metrics_path: %s
                    static_configs:
                      - targets: ["%s:%d"]
                """.formatted(JOB, target.getPath(), target.getHost(), target.getPort()));
        String address = "127.0.0.1:" + freePort();
        Process process = new ProcessBuilder(List.of(binary,
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=" + address))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        return new PrometheusProcess(process, dir, URI.create("http://" + address));
    }

    /** Whether it answers {@code /-/ready}; a Prometheus that exited fails with its log. */
    boolean ready() {
        if (!process.isAlive()) {
            throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + log());
        }
        try {
            return http.send(request("/-/ready"), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notListeningYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking prometheus", e);
        }
    }

    /** The first value of an instant query through {@code /api/v1/query}, or empty when it has no series. */
    OptionalDouble query(String promql) {
        try {
            HttpResponse<String> response = http.send(request("/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8)), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("prometheus answered " + response.statusCode() + " to " + promql + ": "
                        + response.body());
            }
            JsonNode result = Json.mapper().readTree(response.body()).path("data").path("result");
            return result.isEmpty() ? OptionalDouble.empty()
                    : OptionalDouble.of(Double.parseDouble(result.get(0).path("value").get(1).asText()));
        } catch (IOException e) {
            throw new UncheckedIOException("prometheus at " + uri + " did not answer " + promql, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking prometheus", e);
        }
    }

    /** The last lines of its log, for a failure message. */
    String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("prometheus.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private HttpRequest request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri.resolve(pathAndQuery)).timeout(REQUEST_TIMEOUT).GET().build();
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
