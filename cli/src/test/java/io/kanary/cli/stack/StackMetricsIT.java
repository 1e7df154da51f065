package io.kanary.cli.stack;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code kanary up --metrics-port 0}: one /metrics for every service, on a port of its own, closed with the stack. */
class StackMetricsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shouldServeEveryServicesMetersOnceOnAPortOfItsOwn() throws Exception {
        ByteArrayOutputStream banner = new ByteArrayOutputStream();
        StackOptions options = StackOptions.processes(null, 0, Files.createTempDirectory("kanary-stack-metrics-"),
                EnumSet.of(ServiceName.PLANNER, ServiceName.HEALTH_WATCHER), List.of("host-1"), 0, 200)
                .withObservability(new ObservabilityOptions(0, 0, null, List.of(), null));
        String metricsUrl;
        try (KanaryStack stack = KanaryStack.start(options, new PrintStream(banner, true, StandardCharsets.UTF_8))) {
            metricsUrl = stack.metricsUrl();
            assertNotEquals("http://127.0.0.1:" + stack.plannerPort() + "/metrics", metricsUrl);
            assertTrue(banner.toString(StandardCharsets.UTF_8).contains("metrics     " + metricsUrl + "\n"), banner::toString);
            // What the stack's other parts register in its registry is served with the rest.
            Counter.builder("kanary.stack.test").register(stack.meterRegistry()).increment();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> scrape = get(metricsUrl);
                assertEquals(200, scrape.statusCode());
                assertTrue(scrape.body().contains("kanary_deployments_active{phase=\"rolling\"} 0.0"), "the planner's");
                assertTrue(scrape.body().contains("kanary_watcher_instances 0.0"), "the watcher's");
                assertTrue(scrape.body().contains("kanary_stack_test_total 1.0"), "the registry's own");
            });
            assertEquals(401, get("http://127.0.0.1:" + stack.plannerPort() + "/metrics").statusCode(),
                    "the planner's port does not serve /metrics a second time");
        }
        assertTrue(isClosed(metricsUrl), "the metrics server stops with the stack");
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean isClosed(String url) throws InterruptedException {
        try {
            get(url);
            return false;
        } catch (java.io.IOException refused) {
            return true;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return false;
        }
    }
}
