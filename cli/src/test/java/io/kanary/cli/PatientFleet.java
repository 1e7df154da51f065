package io.kanary.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.kafka.Json;
import io.kanary.schema.Instance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What the fleet runs, checked over real HTTP with patience for a busy machine: a slow answer is retried, not a failure. */
final class PatientFleet {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PatientFleet() {
    }

    /** Each host's current instance (from host.events) answers 200 with {@code version}. */
    static void assertEveryHostAnswers(Map<String, Object> kafka, List<String> hosts, String version) {
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
            Map<String, Instance> instances = Fleet.currentInstances(kafka);
            assertEquals(hosts, List.copyOf(instances.keySet()));
            for (Map.Entry<String, Instance> e : instances.entrySet()) {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(e.getValue().healthUrl()))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), e.getKey());
                assertEquals(version, Json.mapper().readTree(answer.body()).path("version").asText(), e.getKey());
            }
        });
    }
}
