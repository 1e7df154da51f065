package io.kanary.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.kafka.Json;
import io.kanary.kafka.TopicPartitions;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.RawTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dashboard on topics of six partitions: it reads every one of them, and lists history newest first by time. */
class DashboardPartitionsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 6;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics(new TopicPartitions(PARTITIONS));

    private DashboardService dashboard;

    @AfterEach
    void stop() throws Exception {
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @Test
    void shouldListDeploymentsOfEveryPartitionNewestFirstAndChartProbesOfAPartitionOtherThanTheFirst() throws Exception {
        // Ten services spread over the six partitions, each deployment a minute after the one before, all history.
        Instant t0 = Instant.now().minus(Duration.ofHours(1));
        List<String> services = IntStream.range(0, 10).mapToObj(i -> "svc-" + i).toList();
        for (int i = 0; i < services.size(); i++) {
            publish(started(services.get(i), t0.plus(Duration.ofMinutes(i))));
        }
        String elsewhere = services.stream().filter(s -> partition(s) != 0).findFirst().orElseThrow();
        dashboard = DashboardService.start(DashboardConfig.defaults(broker.kafka()).withHttpPort(0)
                .withMeterRegistry(new SimpleMeterRegistry()));

        JsonNode state = await().atMost(WAIT).until(() -> get("/api/state"), s -> s.path("deployments").size() == 10);
        List<String> listed = new ArrayList<>();
        state.path("deployments").forEach(card -> listed.add(card.path("deploymentId").asText()));
        assertEquals(List.of("d-svc-9", "d-svc-8", "d-svc-7", "d-svc-6", "d-svc-5", "d-svc-4", "d-svc-3", "d-svc-2",
                "d-svc-1", "d-svc-0"), listed);

        // Probes are read live: failing probes of v2 on a partition other than 0 reach its card.
        JsonNode health = await().atMost(WAIT).until(() -> {
            probe(elsewhere);
            return candidate(get("/api/state"), "d-" + elsewhere);
        }, c -> c.path("samples").asLong() > 0);
        assertEquals(List.of("v2", 1.0), List.of(health.path("version").asText(), health.path("errorRate").asDouble()));
    }

    private static int partition(String service) {
        return Utils.toPositive(Utils.murmur2(service.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static JsonNode candidate(JsonNode state, String deploymentId) {
        for (JsonNode card : state.path("deployments")) {
            if (card.path("deploymentId").asText().equals(deploymentId)) {
                return card.path("candidate");
            }
        }
        return Json.mapper().createObjectNode();
    }

    private void publish(DeploymentEvent event) throws Exception {
        RawTopics.write(broker.kafka(), Topics.DEPLOY_EVENTS.name(), event.service(),
                Topics.DEPLOY_EVENTS.valueSerde().serializer().serialize(Topics.DEPLOY_EVENTS.name(), event));
    }

    private void probe(String service) throws Exception {
        ProbeResult probe = new ProbeResult("p-" + System.nanoTime(), 1, service, "v2", "host-1", "i-1", false, 503, 40,
                Instant.now(), null);
        RawTopics.write(broker.kafka(), Topics.HEALTH_PROBES.name(), service,
                Topics.HEALTH_PROBES.valueSerde().serializer().serialize(Topics.HEALTH_PROBES.name(), probe));
    }

    private static DeploymentEvent.Started started(String service, Instant at) {
        return new DeploymentEvent.Started("s-" + service, 1, "d-" + service, service, "v2", "v1",
                Map.of("host-1", "v1"), null, null, List.of(List.of("host-1")), "ops", at);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + dashboard.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return Json.mapper().readTree(answer.body());
    }
}
