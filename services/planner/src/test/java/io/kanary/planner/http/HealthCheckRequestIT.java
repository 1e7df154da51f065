package io.kanary.planner.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Json;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.PlannerService;
import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.planner.http.auth.Principal;
import io.kanary.planner.http.auth.Role;
import io.kanary.schema.HealthCheck;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.security.RunAllowList;
import io.kanary.security.RunRule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A deploy request's health check through the planner's HTTP API, on a real broker. */
class HealthCheckRequestIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "test-operator-token";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static EmbeddedKafkaBroker broker;
    private static Map<String, Object> kafka;
    private static PlannerService planner;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        TopicSetup.createTopics(kafka, 1, (short) 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            HostEvent.Announced announced = new HostEvent.Announced(UUID.randomUUID().toString(), 1, "host-1", "process",
                    Instant.now());
            producer.send(new ProducerRecord<>(Topics.HOST_EVENTS.name(), null, "host-1".getBytes(StandardCharsets.UTF_8),
                    Topics.HOST_EVENTS.valueSerde().serializer().serialize(Topics.HOST_EVENTS.name(), announced),
                    CloudEvents.headers(announced, "/test", null))).get();
        }
        planner = PlannerService.start(PlannerConfig.defaults(kafka).withHttpPort(0)
                .withAuth(ApiAuth.single(new Principal("tester", Role.OPERATOR), TOKEN))
                .withAllowList(RunAllowList.NOTHING.with(RunAllowList.EVERY_SERVICE,
                        new RunRule(List.of("/usr/bin/python3"), List.of(), List.of()))));
        await().atMost(WAIT).until(() -> get("/v1/hosts").path("hosts").size() == 1);
    }

    @AfterAll
    static void stop() {
        if (planner != null) {
            planner.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldAnswer422NamingEachBrokenRuleOfTheCheck() throws Exception {
        HttpResponse<String> response = post("""
                {"service": "web", "version": "v2", "hosts": ["host-1"],
                 "run": {"command": ["/usr/bin/python3", "-m", "http.server", "{port}"],
                         "check": {"kind": "http", "path": "health", "expectStatus": [2000],
                                   "expectBody": {"pointer": "status", "equals": "healthy"}}}}""");

        assertEquals(422, response.statusCode(), response.body());
        assertEquals(List.of("run.check.path", "run.check.expectStatus[0]", "run.check.expectBody.pointer"),
                fields(response));
    }

    @Test
    void shouldAnswer422WhenTheCommandChecksProgramIsNotAllowed() throws Exception {
        HttpResponse<String> response = post("""
                {"service": "web", "version": "v2", "hosts": ["host-1"],
                 "run": {"command": ["/usr/bin/python3", "-m", "http.server", "{port}"],
                         "check": {"kind": "command", "command": ["/usr/bin/curl", "-f", "http://127.0.0.1:{port}/"]}}}""");

        assertEquals(422, response.statusCode(), response.body());
        assertEquals(List.of("run.check.command[0]"), fields(response));
    }

    @Test
    void shouldAnswer422NamingEachBrokenHookField() throws Exception {
        HttpResponse<String> response = post("""
                {"service": "web", "version": "v2", "hosts": ["host-1"],
                 "run": {"command": ["/usr/bin/python3", "-m", "http.server", "{port}"]},
                 "hooks": {"preDeploy": {"command": ["/usr/bin/pg_dump"], "host": "host-9"},
                           "smoke": {"command": [], "http": []}}}""");

        assertEquals(422, response.statusCode(), response.body());
        assertEquals(List.of("hooks.preDeploy.host", "hooks.smoke", "hooks.preDeploy.command[0]"), fields(response));
    }

    @Test
    void shouldAnswer400ForAnUnknownKind() throws Exception {
        HttpResponse<String> response = post("""
                {"service": "web", "version": "v2", "hosts": ["host-1"],
                 "run": {"command": ["/usr/bin/python3"], "check": {"kind": "grpc"}}}""");

        assertEquals(400, response.statusCode(), response.body());
        assertEquals(List.of("run.check"), fields(response));
    }

    @Test
    void shouldCarryTheCheckIntoTheHostsDeployCommand() throws Exception {
        HttpResponse<String> response = post("""
                {"deploymentId": "checked-1", "service": "checked", "version": "v1", "hosts": ["host-1"],
                 "run": {"command": ["/usr/bin/python3", "-m", "http.server", "{port}"],
                         "check": {"kind": "http", "path": "/ready", "expectStatus": [200, 204],
                                   "expectBody": {"pointer": "/status", "equals": "healthy"}, "timeoutMs": 500}}}""");
        assertEquals(202, response.statusCode(), response.body());

        HostCommand.Deploy deploy = firstDeployOf("checked-1");

        assertEquals(new HealthCheck.Http("/ready", List.of(200, 204),
                new HealthCheck.BodyExpectation("/status", TextNode.valueOf("healthy")), 500L), deploy.run().check());
    }

    @Test
    void shouldShowTheHooksInADryRunAndStartNothing() throws Exception {
        HttpResponse<String> response = post("/v1/deployments?dryRun=true", """
                {"deploymentId": "hooked-dry-1", "service": "hooked", "version": "v1", "hosts": ["host-1"],
                 "run": {"command": ["/usr/bin/python3", "-m", "http.server", "{port}"]},
                 "hooks": {"preDeploy": {"command": ["/usr/bin/python3", "-c", "print(1)"], "timeoutMs": 5000}}}""");

        assertEquals(200, response.statusCode(), response.body());
        JsonNode plan = Json.mapper().readTree(response.body());
        assertEquals("[\"/usr/bin/python3\",\"-c\",\"print(1)\"]", plan.path("hooks").path("preDeploy").path("command").toString());
        assertEquals(5000, plan.path("hooks").path("preDeploy").path("timeoutMs").asLong());
        assertEquals(404, HTTP.send(HttpRequest.newBuilder(uri("/v1/deployments/hooked-dry-1"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    private static HostCommand.Deploy firstDeployOf(String deploymentId) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<HostCommand.Deploy> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.HOST_COMMANDS.name()));
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    HostCommand c = Topics.HOST_COMMANDS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (c instanceof HostCommand.Deploy d && deploymentId.equals(d.deploymentId())) {
                        found.add(d);
                    }
                }
                return !found.isEmpty();
            });
        }
        return found.get(0);
    }

    private static List<String> fields(HttpResponse<String> response) throws Exception {
        List<String> fields = new ArrayList<>();
        Json.mapper().readTree(response.body()).path("errors").forEach(e -> fields.add(e.path("field").asText()));
        return fields;
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(response.body());
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return post("/v1/deployments", body);
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + planner.httpPort() + path);
    }
}
