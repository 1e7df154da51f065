package io.kanary.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServeTheRegistrysMetersWithTheJvmsInPrometheusTextFormat() throws Exception {
        try (ProcessMetrics metrics = ProcessMetrics.start();
             MetricsServer server = MetricsServer.start(metrics.registry(), "127.0.0.1", 0)) {
            Counter.builder("kanary.test.things").tag("kind", "red").register(metrics.registry()).increment(3);

            HttpResponse<String> response = get(server.port(), "text/plain");

            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            assertTrue(response.body().contains("kanary_test_things_total{kind=\"red\"} 3.0"), response.body());
            assertTrue(response.body().contains("jvm_memory_used_bytes"), "the JVM's meters are bound");
            assertTrue(response.body().contains("process_uptime_seconds"), "the process' meters are bound");
        }
    }

    @Test
    void shouldAnswerOpenMetricsWhenTheScraperAsksForIt() throws Exception {
        try (ProcessMetrics metrics = ProcessMetrics.start();
             MetricsServer server = MetricsServer.start(metrics.registry(), "127.0.0.1", 0)) {
            HttpResponse<String> response = get(server.port(), "application/openmetrics-text; version=1.0.0");

            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
            assertTrue(response.body().strip().endsWith("# EOF"), "OpenMetrics ends with # EOF");
        }
    }

    @Test
    void shouldRefuseAPortInUseWithASentenceNamingTheFlag() {
        try (ProcessMetrics metrics = ProcessMetrics.start();
             MetricsServer first = MetricsServer.start(metrics.registry(), "127.0.0.1", 0)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> MetricsServer.start(metrics.registry(), "127.0.0.1", first.port()));
            assertTrue(e.getMessage().contains("--metrics-port"), e.getMessage());
        }
    }

    private HttpResponse<String> get(int port, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
    }
}
