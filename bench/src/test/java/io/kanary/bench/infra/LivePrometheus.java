package io.kanary.bench.infra;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kanary.bench.prometheus.PrometheusBinaries;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real {@code prometheus}, run on infra/prometheus as shipped: {@code prometheus.yml} with its
 * {@code kanary} job pointed at one target and every interval at 1 s (so a test does not wait
 * minutes), and {@code kanary-alerts.yml} unchanged beside it. Skips the test without the binary, or
 * fails it in CI. {@link #close} stops it.
 */
final class LivePrometheus implements AutoCloseable {
    private static final String PROMETHEUS = "/usr/bin/prometheus";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path dir;
    private final URI uri;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LivePrometheus(Process process, Path dir, URI uri) {
        this.process = process;
        this.dir = dir;
        this.uri = uri;
    }

    /** Starts it in {@code dir} scraping {@code target} ({@code host:port}); returns once it is ready. */
    static LivePrometheus start(Path dir, String target) throws IOException {
        String binary = PrometheusBinaries.require(PROMETHEUS);
        Files.writeString(dir.resolve("prometheus.yml"), configFor(InfraDir.read("prometheus/prometheus.yml"), target));
        Files.copy(InfraDir.file("prometheus/kanary-alerts.yml"), dir.resolve("kanary-alerts.yml"));
        String address = "127.0.0.1:" + freePort();
        Process process = new ProcessBuilder(List.of(binary, "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=" + address))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        LivePrometheus prometheus = new LivePrometheus(process, dir, URI.create("http://" + address));
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(prometheus::ready);
        } catch (RuntimeException e) {
            prometheus.close();
            throw new IllegalStateException("prometheus did not get ready: " + e.getMessage() + "\n" + prometheus.log(), e);
        }
        return prometheus;
    }

    /** infra's prometheus.yml with the {@code kanary} job scraping {@code target}, every second. */
    static String configFor(String shipped, String target) {
        Map<String, Object> config = new org.yaml.snakeyaml.Yaml().load(shipped);
        @SuppressWarnings("unchecked")
        Map<String, Object> global = (Map<String, Object>) config.get("global");
        global.put("scrape_interval", "1s");
        global.put("scrape_timeout", "1s");
        global.put("evaluation_interval", "1s");
        for (Object job : (List<?>) config.get("scrape_configs")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> j = (Map<String, Object>) job;
            if ("kanary".equals(j.get("job_name"))) {
                j.put("static_configs", List.of(Map.of("targets", List.of(target))));
            }
        }
        return new org.yaml.snakeyaml.Yaml().dump(config);
    }

    /** {@code GET /api/v1/<path>}'s {@code data}. */
    JsonNode api(String pathAndQuery) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri.resolve("/api/v1/" + pathAndQuery))
                    .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("prometheus answered " + response.statusCode() + " to " + pathAndQuery
                        + ": " + response.body());
            }
            return JSON.readTree(response.body()).path("data");
        } catch (IOException e) {
            throw new UncheckedIOException("prometheus at " + uri + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking prometheus", e);
        }
    }

    /** An instant query's result vector. */
    JsonNode query(String promql) {
        return api("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("result");
    }

    String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("prometheus.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean ready() {
        if (!process.isAlive()) {
            throw new IllegalStateException("prometheus exited with " + process.exitValue());
        }
        try {
            return http.send(HttpRequest.newBuilder(uri.resolve("/-/ready")).timeout(REQUEST_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYetListening) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
