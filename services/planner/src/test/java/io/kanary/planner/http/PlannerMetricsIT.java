package io.kanary.planner.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.metrics.ProcessMetrics;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.PlannerService;
import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.planner.http.auth.Principal;
import io.kanary.planner.http.auth.Role;
import io.kanary.schema.HostEvent;
import io.kanary.security.RunAllowList;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} on the planner's API, scraped for real over HTTP from a planner on a real broker. */
class PlannerMetricsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "test-operator-token";
    /** At least one deployment rolling (other tests' deployments on the same broker may be too). */
    private static final Pattern ROLLING = Pattern.compile("kanary_deployments_active\\{phase=\"rolling\"} [1-9]");
    private static final Pattern DEAD_LETTERED = Pattern.compile(
            "kanary_dlq_records_total\\{consumer=\"planner\",topic=\"deploy.requests\"} [1-9]");
    private static EmbeddedKafkaBroker broker;
    private static Map<String, Object> kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        TopicSetup.createTopics(kafka, 1, (short) 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (String host : List.of("host-1", "host-2")) {
                HostEvent.Announced announced = new HostEvent.Announced(UUID.randomUUID().toString(), 1, host, "process",
                        Instant.now());
                producer.send(new ProducerRecord<>(Topics.HOST_EVENTS.name(), null, host.getBytes(StandardCharsets.UTF_8),
                        Topics.HOST_EVENTS.valueSerde().serializer().serialize(Topics.HOST_EVENTS.name(), announced),
                        CloudEvents.headers(announced, "/test", null))).get();
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldServeTheDeploymentsStartedAndTheCommandsInFlightWithoutACredential() throws Exception {
        String ids = "metrics-" + UUID.randomUUID();
        try (ProcessMetrics metrics = ProcessMetrics.start(); PlannerService planner = start(ids, metrics)) {
            deploy(planner, "shop-1", "shop");

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String body = scrape(planner);
                assertTrue(body.contains("kanary_deployments_started_total{service=\"shop\"} 1.0"), body);
                assertTrue(ROLLING.matcher(body).find(), body);
                assertTrue(body.contains("kanary_planner_commands_in_flight 1.0"), "one host per batch: " + body);
            });
            String body = scrape(planner);
            assertTrue(body.contains("kafka_consumer_fetch_manager_records_lag_max"), "the loop's consumer is bound");
            assertTrue(body.contains("jvm_memory_used_bytes"), "the process's own meters are in the same registry");
        }
    }

    @Test
    void shouldNotCountAgainWhatItReplaysAtStart() throws Exception {
        String ids = "replay-" + UUID.randomUUID();
        try (ProcessMetrics metrics = ProcessMetrics.start(); PlannerService planner = start(ids, metrics)) {
            deploy(planner, "cart-1", "cart");
            await().atMost(Duration.ofSeconds(30)).until(() -> scrape(planner)
                    .contains("kanary_deployments_started_total{service=\"cart\"} 1.0"));
        }
        try (ProcessMetrics metrics = ProcessMetrics.start(); PlannerService restarted = start(ids, metrics)) {
            // The replayed deployment is active again, so the gauges see it; the counter saw nothing written.
            await().atMost(Duration.ofSeconds(30)).until(() -> ROLLING.matcher(scrape(restarted)).find());
            assertFalse(scrape(restarted).contains("kanary_deployments_started_total{service=\"cart\"}"));
        }
    }

    @Test
    void shouldCountTheRecordsItDeadLetters() throws Exception {
        String ids = "dlq-" + UUID.randomUUID();
        try (ProcessMetrics metrics = ProcessMetrics.start(); PlannerService planner = start(ids, metrics);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.DEPLOY_REQUESTS.name(), "web".getBytes(StandardCharsets.UTF_8),
                    "{not json".getBytes(StandardCharsets.UTF_8))).get();

            // At least one: a planner of its own group reads deploy.requests from offset 0, other tests' records too.
            await().atMost(Duration.ofSeconds(30)).until(() -> DEAD_LETTERED.matcher(scrape(planner)).find());
        }
    }

    private static PlannerService start(String ids, ProcessMetrics metrics) {
        return PlannerService.start(new PlannerConfig(kafka, "127.0.0.1", 0, ids, ids, Duration.ofMillis(100),
                Duration.ofSeconds(60))
                .withAuth(ApiAuth.single(new Principal("tester", Role.OPERATOR), TOKEN))
                .withAllowList(RunAllowList.ANYTHING)
                .withMeterRegistry(metrics.registry()));
    }

    private static void deploy(PlannerService planner, String id, String service) throws Exception {
        HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(uri(planner, "/v1/deployments"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"deploymentId": "%s", "service": "%s", "version": "v1", "hosts": ["host-1", "host-2"],
                         "run": {"command": ["%s-server", "--port", "{port}"]}}""".formatted(id, service, service)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, accepted.statusCode(), accepted.body());
    }

    /** GET /metrics with no Authorization header, as Prometheus scrapes it. */
    private static String scrape(PlannerService planner) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(planner, "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static URI uri(PlannerService planner, String path) {
        return URI.create("http://127.0.0.1:" + planner.httpPort() + path);
    }
}
