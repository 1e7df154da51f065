package io.kanary.executor;

import com.sun.net.httpserver.HttpServer;
import io.kanary.schema.RunSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A tiny HTTP service for crash tests: it starts a grandchild ({@code sleep}) in its process group,
 * waits {@code SLOW_APP_DELAY_MS} before it listens on {@code PORT}, then answers
 * {@code {"version": SLOW_APP_VERSION}} on every path.
 */
public final class SlowApp {
    private SlowApp() {
    }

    /** The run spec of {@code version}, listening after {@code delayMs}. */
    static RunSpec spec(String version, long delayMs) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new RunSpec(null,
                List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                        SlowApp.class.getName()),
                Map.of("SLOW_APP_VERSION", version, "SLOW_APP_DELAY_MS", Long.toString(delayMs)), null, 5_000L);
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        // A grandchild that would outlive its parent if only the parent were stopped.
        new ProcessBuilder("sleep", "3600").inheritIO().start();
        Thread.sleep(Long.parseLong(System.getenv().getOrDefault("SLOW_APP_DELAY_MS", "0")));
        byte[] body = ("{\"version\":\"" + System.getenv("SLOW_APP_VERSION") + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(System.getenv("PORT"))), 16);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }
}
