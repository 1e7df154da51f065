package io.kanary.planner.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.DeadLetters;
import io.kanary.kafka.Json;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.planner.http.auth.Principal;
import io.kanary.planner.http.auth.Role;
import io.kanary.security.RunAllowList;
import io.kanary.planner.PlannerService;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RunSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/hosts} and executor liveness on a real broker: host events are written to
 * host.events as an executor writes them, and the planner is judged by its HTTP answers and the
 * records it writes.
 */
class HostsApiIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private EmbeddedKafkaBroker broker;
    private Map<String, Object> kafka;
    private PlannerService planner;
    private static final String TOKEN = "test-operator-token";

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        TopicSetup.createTopics(kafka, 1, (short) 1);
        Instant now = Instant.now();
        publish(new HostEvent.Announced(id(), 1, "host-a", "process", now));
        // An executor that heartbeats every minute: alive for three minutes from the planner's start.
        publish(new HostEvent.Heartbeat(id(), 1, "host-a", "executor-a", 60_000, now));
        // One that promised a heartbeat every 100 ms and sent only this one: gone 300 ms after the planner started.
        publish(new HostEvent.Announced(id(), 1, "host-b", "process", now));
        publish(new HostEvent.Heartbeat(id(), 1, "host-b", "executor-b", 100, now));
        // An executor that predates heartbeats.
        publish(new HostEvent.Announced(id(), 1, "host-c", "docker", now));
        // web v1 ran on host-a, was rolled back, and nothing ran before it.
        publish(new HostEvent.Started(id(), 1, "host-a", id(), "web-1", "web", "v1",
                new Instance("host-a/web/v1", "http://127.0.0.1:1", "http://127.0.0.1:1/health"), now));
        publish(new HostEvent.RolledBack(id(), 1, "host-a", id(), "web-1", "web", null, null, now));
        publish(new HostEvent.Started(id(), 1, "host-a", id(), "api-1", "api", "v3",
                new Instance("host-a/api/v3", "http://127.0.0.1:2", "http://127.0.0.1:2/health"), now));
        planner = PlannerService.start(PlannerConfig.defaults(kafka).withHttpPort(0)
                .withAuth(ApiAuth.single(new Principal("tester", Role.OPERATOR), TOKEN)).withAllowList(RunAllowList.ANYTHING));
        await().atMost(Duration.ofSeconds(30)).until(() -> hosts().size() == 3);
    }

    @AfterEach
    void stop() {
        if (planner != null) {
            planner.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldShowEachHostsVersionsAndLiveness() throws Exception {
        JsonNode hostA = await().atMost(Duration.ofSeconds(30)).until(() -> host("host-a"),
                h -> h.path("services").size() == 2);
        assertEquals(Json.mapper().readTree("""
                {"hostId": "host-a", "driver": "process",
                 "services": [{"service": "api", "version": "v3"}, {"service": "web", "version": null}],
                 "executorId": "executor-a", "lastHeartbeatAt": "%s", "heartbeatIntervalMs": 60000,
                 "alive": true, "liveness": "alive"}""".formatted(hostA.path("lastHeartbeatAt").asText())), hostA);

        JsonNode hostB = await().atMost(Duration.ofSeconds(30)).until(() -> host("host-b"),
                h -> "gone".equals(h.path("liveness").asText()));
        assertEquals(false, hostB.path("alive").asBoolean(true));
        assertEquals("executor-b", hostB.path("executorId").asText());

        assertEquals(Json.mapper().readTree("""
                {"hostId": "host-c", "driver": "docker", "services": [], "alive": true, "liveness": "unknown"}"""),
                host("host-c"));
    }

    @Test
    void shouldRefuseADeploymentToAHostWhoseExecutorIsGoneNamingIt() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> "gone".equals(host("host-b").path("liveness").asText()));

        HttpResponse<String> refused = post("/v1/deployments", """
                {"service": "cart", "version": "v1", "hosts": ["host-a", "host-b"], "run": {"command": ["cart"]}}""");

        assertEquals(422, refused.statusCode(), refused.body());
        JsonNode problem = Json.mapper().readTree(refused.body());
        assertTrue(problem.path("detail").asText().startsWith("host-b's executor is gone: no heartbeat for "),
                problem.toString());
        assertEquals("hosts", problem.path("errors").get(0).path("field").asText());

        DeployRequest direct = new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, "cart-2", "cart", "v1",
                RunSpec.process(List.of("cart"), Map.of()), List.of("host-b"), 1, null, "test", Instant.now());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.DEPLOY_REQUESTS.name(), null, "cart".getBytes(StandardCharsets.UTF_8),
                    Topics.DEPLOY_REQUESTS.valueSerde().serializer().serialize(Topics.DEPLOY_REQUESTS.name(), direct),
                    CloudEvents.headers(direct, "/test", null))).get();
        }
        String reason = CloudEvents.header(firstRecord(Topics.DEPLOY_REQUESTS.dlqName()).headers(), DeadLetters.REASON)
                .orElseThrow();
        assertTrue(reason.contains("host-b's executor is gone: no heartbeat for "), reason);
    }

    private JsonNode hosts() throws Exception {
        return get("/v1/hosts").path("hosts");
    }

    private JsonNode host(String id) throws Exception {
        for (JsonNode host : hosts()) {
            if (id.equals(host.path("hostId").asText())) {
                return host;
            }
        }
        throw new AssertionError("no host " + id + " in " + hosts());
    }

    private void publish(HostEvent event) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.HOST_EVENTS.name(), null, event.hostId().getBytes(StandardCharsets.UTF_8),
                    Topics.HOST_EVENTS.valueSerde().serializer().serialize(Topics.HOST_EVENTS.name(), event),
                    CloudEvents.headers(event, "/test", null))).get();
        }
    }

    private ConsumerRecord<byte[], byte[]> firstRecord(String topic) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return !records.isEmpty();
            });
            return records.get(0);
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(response.body());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + planner.httpPort() + path);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
