package io.kanary.planner.http.auth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Json;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.PlannerService;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RollbackCommand;
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
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may do what through the API, over real HTTP against a planner on a real broker. */
class ApiAuthIT {
    private static final String VIEWER = "viewer-token-1";
    private static final String DEPLOYER = "deployer-token-1";
    private static final String OPERATOR = "operator-token-1";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static EmbeddedKafkaBroker broker;
    private static PlannerService planner;
    private static Map<String, Object> kafka;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        TopicSetup.createTopics(kafka, 1, (short) 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String host : List.of("host-1", "host-2")) {
                HostEvent.Announced announced = new HostEvent.Announced(UUID.randomUUID().toString(), 1, host, "process", Instant.now());
                producer.send(new ProducerRecord<>(Topics.HOST_EVENTS.name(), null, host.getBytes(StandardCharsets.UTF_8),
                        Topics.HOST_EVENTS.valueSerde().serializer().serialize(Topics.HOST_EVENTS.name(), announced),
                        CloudEvents.headers(announced, "/test", null))).get();
            }
        }
        TokenStore tokens = TokenStore.of(new Principal("vera", Role.VIEWER), VIEWER)
                .with(new Principal("dana", Role.DEPLOYER), DEPLOYER)
                .with(new Principal("olga", Role.OPERATOR), OPERATOR);
        RunAllowList allowList = RunAllowList.NOTHING.with("shop", new RunRule(List.of("/opt/shop/bin/shop"), List.of(), List.of()));
        planner = PlannerService.start(PlannerConfig.defaults(kafka).withHttpPort(0).withAuth(ApiAuth.tokens(tokens))
                .withAllowList(allowList));
        await().atMost(Duration.ofSeconds(60)).until(() -> Json.mapper().readTree(get("/v1/hosts", VIEWER).body())
                .path("hosts").size() == 2);
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
    void shouldAnswer401WithABearerChallengeWithoutAValidToken() throws Exception {
        HttpResponse<String> missing = get("/v1/deployments", null);
        assertEquals(401, missing.statusCode());
        assertEquals("Bearer realm=\"kanary\"", missing.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertEquals("application/problem+json", missing.headers().firstValue("Content-Type").orElseThrow());
        JsonNode problem = Json.mapper().readTree(missing.body());
        assertEquals("https://kanary.io/problems/unauthenticated", problem.path("type").asText());
        assertEquals(401, problem.path("status").asInt());

        HttpResponse<String> wrong = get("/v1/deployments", "not-a-token");
        assertEquals(401, wrong.statusCode());
        assertEquals("Bearer realm=\"kanary\", error=\"invalid_token\"", wrong.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertEquals("https://kanary.io/problems/invalid-token", Json.mapper().readTree(wrong.body()).path("type").asText());

        HttpResponse<String> post = post("/v1/deployments", "{}", null);
        assertEquals(401, post.statusCode());
    }

    @Test
    void shouldLetEachRoleDoItsOwnAndRefuseMoreWith403() throws Exception {
        assertEquals(200, get("/v1/deployments", VIEWER).statusCode());
        assertEquals(200, get("/v1/hosts", VIEWER).statusCode());

        HttpResponse<String> viewerDeploys = post("/v1/deployments", shopRequest("shop-viewer"), VIEWER);
        assertEquals(403, viewerDeploys.statusCode());
        assertEquals("application/problem+json", viewerDeploys.headers().firstValue("Content-Type").orElseThrow());
        JsonNode problem = Json.mapper().readTree(viewerDeploys.body());
        assertEquals("https://kanary.io/problems/forbidden", problem.path("type").asText());
        assertEquals("vera has the role viewer; POST /v1/deployments needs deployer (or a larger role)", problem.path("detail").asText());

        HttpResponse<String> deployed = post("/v1/deployments", shopRequest("shop-1"), DEPLOYER);
        assertEquals(202, deployed.statusCode(), deployed.body());
        await().atMost(Duration.ofSeconds(60)).until(() -> "ROLLING".equals(
                Json.mapper().readTree(get("/v1/deployments/shop-1", VIEWER).body()).path("phase").asText()));

        HttpResponse<String> deployerRollsBack = post("/v1/deployments/shop-1/rollback", "", DEPLOYER);
        assertEquals(403, deployerRollsBack.statusCode());
        assertEquals(403, post("/v1/deployments/shop-1/rollback", "", VIEWER).statusCode());

        HttpResponse<String> operatorRollsBack = post("/v1/deployments/shop-1/rollback",
                "{\"reason\": \"customer reports\", \"operator\": \"mallory\"}", OPERATOR);
        assertEquals(202, operatorRollsBack.statusCode(), operatorRollsBack.body());

        // The events name the principals the tokens belong to, not the names the bodies claimed.
        DeployRequest request = (DeployRequest) readUntil(Topics.DEPLOY_REQUESTS.name(),
                e -> e instanceof DeployRequest r && "shop-1".equals(r.deploymentId()));
        assertEquals("dana", request.requestedBy());
        DeploymentEvent.Started started = (DeploymentEvent.Started) readUntil(Topics.DEPLOY_EVENTS.name(),
                e -> e instanceof DeploymentEvent.Started s && "shop-1".equals(s.deploymentId()));
        assertEquals("dana", started.requestedBy());
        RollbackCommand rollback = (RollbackCommand) readUntil(Topics.ROLLBACK_COMMANDS.name(),
                e -> e instanceof RollbackCommand c && "shop-1".equals(c.deploymentId()));
        assertEquals("olga", rollback.operator());
        assertEquals("customer reports", rollback.reason());
    }

    @Test
    void shouldRefuseWhatTheAllowListDoesNotNameWith422() throws Exception {
        HttpResponse<String> shell = post("/v1/deployments", """
                {"service": "shop", "version": "v9", "hosts": ["host-2"], "run": {"command": ["/bin/sh", "-c", "id"]}}""", DEPLOYER);
        assertEquals(422, shell.statusCode(), shell.body());
        JsonNode problem = Json.mapper().readTree(shell.body());
        assertEquals("run.command[0]", problem.path("errors").get(0).path("field").asText());
        assertTrue(problem.path("errors").get(0).path("rule").asText()
                .startsWith("executable /bin/sh is not on the allow-list of service shop (allowed: /opt/shop/bin/shop)"), shell.body());

        HttpResponse<String> preload = post("/v1/deployments", """
                {"service": "shop", "version": "v9", "hosts": ["host-2"],
                 "run": {"command": ["/opt/shop/bin/shop"], "env": {"LD_PRELOAD": "/tmp/evil.so", "MODE": "prod"}}}""", DEPLOYER);
        assertEquals(422, preload.statusCode(), preload.body());
        JsonNode errors = Json.mapper().readTree(preload.body()).path("errors");
        assertEquals(1, errors.size(), preload.body());
        assertEquals("run.env.LD_PRELOAD", errors.get(0).path("field").asText());

        HttpResponse<String> otherService = post("/v1/deployments", """
                {"service": "cart", "version": "v1", "hosts": ["host-2"], "run": {"command": ["/opt/shop/bin/shop"]}}""", DEPLOYER);
        assertEquals(422, otherService.statusCode(), otherService.body());
        assertTrue(otherService.body().contains("not on the allow-list of service cart (allowed: nothing)"), otherService.body());
    }

    @Test
    void shouldRefuseARequestPublishedStraightToDeployRequestsThatTheAllowListDoesNotName() throws Exception {
        DeployRequest request = new DeployRequest(UUID.randomUUID().toString(), KanaryEvent.SCHEMA_VERSION, "shop-kafka",
                "shop", "v1", io.kanary.schema.RunSpec.process(List.of("/bin/sh", "-c", "id"), Map.of()), List.of("host-2"),
                1, null, "mallory", Instant.now());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.DEPLOY_REQUESTS.name(), null, "shop".getBytes(StandardCharsets.UTF_8),
                    Topics.DEPLOY_REQUESTS.valueSerde().serializer().serialize(Topics.DEPLOY_REQUESTS.name(), request),
                    CloudEvents.headers(request, "/test", null))).get();
        }
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.DEPLOY_REQUESTS.dlqName()));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (new String(r.value(), StandardCharsets.UTF_8).contains("shop-kafka")) {
                        reasons.add(CloudEvents.header(r.headers(), io.kanary.kafka.DeadLetters.REASON).orElse(""));
                    }
                });
                return !reasons.isEmpty();
            });
        }
        assertTrue(reasons.get(0).contains("executable /bin/sh is not on the allow-list of service shop"), reasons.get(0));
        assertEquals(404, get("/v1/deployments/shop-kafka", VIEWER).statusCode());
    }

    private static String shopRequest(String id) {
        return """
                {"deploymentId": "%s", "service": "shop", "version": "v1", "hosts": ["host-1"], "requestedBy": "mallory",
                 "run": {"command": ["/opt/shop/bin/shop", "--port", "{port}"]}}""".formatted(id);
    }

    private static KanaryEvent readUntil(String topic, java.util.function.Predicate<KanaryEvent> wanted) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<KanaryEvent> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    KanaryEvent event = (KanaryEvent) Topics.ALL.stream().filter(t -> t.name().equals(topic)).findFirst()
                            .orElseThrow().valueSerde().deserializer().deserialize(topic, r.value());
                    if (wanted.test(event)) {
                        found.add(event);
                    }
                });
                return !found.isEmpty();
            });
        }
        return found.get(0);
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + planner.httpPort() + path);
    }
}
