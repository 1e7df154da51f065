package io.kanary.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's real {@code prometheus-alertmanager}, started in a temporary directory with one webhook
 * receiver, short group timings and clustering off. Where the binary is missing the test is skipped
 * with the reason; with {@code CI} set it fails instead, since .ci/run installs the package.
 */
final class AlertmanagerProcess implements AutoCloseable {
    static final String BINARY = "/usr/bin/prometheus-alertmanager";

    private final Process process;
    private final URI url;

    private AlertmanagerProcess(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    static String require() {
        if (!Files.isExecutable(Path.of(BINARY))) {
            String why = BINARY + " is missing: install Debian's prometheus-alertmanager package "
                    + "(apt-get install prometheus-alertmanager)";
            if (System.getenv("CI") != null) {
                fail("The Alertmanager tests cannot run, and CI is set: " + why);
            }
            Assumptions.abort("Skipping: " + why);
        }
        return BINARY;
    }

    /**
     * Starts it with every alert routed to {@code receiver}, resolved ones too, and returns once it
     * answers ready.
     *
     * @param resolveTimeout how long Alertmanager keeps an alert firing that nobody sends again
     */
    static AlertmanagerProcess start(Path dir, URI receiver, Duration resolveTimeout) throws Exception {
        String binary = require();
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  resolve_timeout: " + resolveTimeout.toSeconds() + "s",
                "route:",
                "  receiver: test",
                "  group_by: ['alertname', 'deployment']",
                "  group_wait: 1s",
                "  group_interval: 1s",
                "  repeat_interval: 1h",
                "receivers:",
                "  - name: test",
                "    webhook_configs:",
                "      - url: " + receiver,
                "        send_resolved: true",
                ""));
        int port = freePort();
        Process process = new ProcessBuilder(List.of(binary, "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address="))
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        AlertmanagerProcess alertmanager = new AlertmanagerProcess(process, URI.create("http://127.0.0.1:" + port));
        try {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                if (!process.isAlive()) {
                    fail("Alertmanager exited: " + Files.readString(dir.resolve("alertmanager.log")));
                }
                return http.send(HttpRequest.newBuilder(alertmanager.url.resolve("/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            });
        } catch (RuntimeException | Error e) {
            alertmanager.close();
            throw e;
        }
        return alertmanager;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    URI url() {
        return url;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
