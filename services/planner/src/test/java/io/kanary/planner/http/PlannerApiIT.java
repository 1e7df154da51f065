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
import io.kanary.planner.PlannerService;
import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.planner.http.auth.Principal;
import io.kanary.planner.http.auth.Role;
import io.kanary.security.RunAllowList;
import io.kanary.schema.HostEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
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

/** The planner's HTTP API and its Kafka side, on a real broker. Each test uses its own services and ids. */
class PlannerApiIT {
    private static EmbeddedKafkaBroker broker;
    private static PlannerService planner;
    private static Map<String, Object> kafka;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "test-operator-token";

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
        planner = PlannerService.start(PlannerConfig.defaults(kafka).withHttpPort(0)
                .withAuth(ApiAuth.single(new Principal("tester", Role.OPERATOR), TOKEN)).withAllowList(RunAllowList.ANYTHING));
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/v1/hosts").path("hosts").size() == 2);
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
    void shouldAnswerAnInvalidRequestWithProblemDetailsNamingEachField() throws Exception {
        HttpResponse<String> response = post("/v1/deployments", """
                {"service": "Web!", "version": "v2", "run": {"command": []}, "batchSize": 0,
                 "policy": {"maxErrorRate": 2}}""");

        assertEquals(422, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode problem = Json.mapper().readTree(response.body());
        assertEquals("https://kanary.io/problems/invalid-request", problem.path("type").asText());
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(e -> fields.add(e.path("field").asText()));
        assertEquals(List.of("service", "run.command", "batchSize", "policy.maxErrorRate"), fields);
    }

    @Test
    void shouldNameAnUnknownFieldAndMalformedJson() throws Exception {
        HttpResponse<String> typo = post("/v1/deployments", """
                {"service": "web", "version": "v2", "run": {"command": ["app"]}, "policy": {"maxErorRate": 0.1}}""");
        assertEquals(400, typo.statusCode());
        assertTrue(typo.body().contains("maxErorRate"), typo.body());

        HttpResponse<String> broken = post("/v1/deployments", "{\"service\": ");
        assertEquals(400, broken.statusCode());
        assertEquals("https://kanary.io/problems/malformed-request", Json.mapper().readTree(broken.body()).path("type").asText());
    }

    @Test
    void shouldStartADeploymentAndRefuseASecondThatAsksToBeRefusedWith409() throws Exception {
        HttpResponse<String> accepted = post("/v1/deployments", """
                {"deploymentId": "api-1", "service": "api", "version": "v1", "hosts": ["host-1", "host-2"],
                 "run": {"command": ["api-server", "--port", "{port}"]}}""");
        assertEquals(202, accepted.statusCode(), accepted.body());
        assertEquals("/v1/deployments/api-1", accepted.headers().firstValue("Location").orElseThrow());

        await().atMost(Duration.ofSeconds(30)).until(() -> "ROLLING".equals(get("/v1/deployments/api-1").path("phase").asText()));
        ConsumerRecord<byte[], byte[]> command = readFirst(Topics.HOST_COMMANDS.name(),
                r -> "api-1".equals(CloudEvents.header(r.headers(), CloudEvents.SUBJECT).orElse(null)));
        assertEquals("host-1", new String(command.key(), StandardCharsets.UTF_8), "the first batch is the first host");

        HttpResponse<String> conflict = post("/v1/deployments", """
                {"service": "api", "version": "v2", "run": {"command": ["api-server"]}, "onBusy": "refuse"}""");
        assertEquals(409, conflict.statusCode());
        assertTrue(conflict.body().contains("already has an active deployment, api-1"), conflict.body());
    }

    @Test
    void shouldPageTheListByCursorAndRefuseABadLimitWithAProblem() throws Exception {
        for (String service : List.of("page-a", "page-b", "page-c")) {
            assertEquals(202, post("/v1/deployments", """
                    {"service": "%s", "version": "v1", "hosts": ["host-2"], "run": {"command": ["app"]}}""".formatted(service))
                    .statusCode());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/v1/deployments?limit=500").path("deployments")
                .findValuesAsText("service").containsAll(List.of("page-a", "page-b", "page-c")));
        List<String> all = get("/v1/deployments?limit=500").path("deployments").findValuesAsText("id");

        List<String> walked = new ArrayList<>();
        String next = "/v1/deployments?limit=1";
        while (next != null) {
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(uri(next)).header("Authorization", "Bearer " + TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = Json.mapper().readTree(page.body());
            assertTrue(body.path("deployments").size() <= 1, page.body());
            body.path("deployments").forEach(d -> walked.add(d.path("id").asText()));
            next = body.hasNonNull("next") ? body.path("next").asText() : null;
            assertEquals(next == null, page.headers().firstValue("Link").isEmpty(), "a Link header with each next page");
        }
        assertEquals(all, walked);

        HttpResponse<String> badLimit = HTTP.send(HttpRequest.newBuilder(uri("/v1/deployments?limit=0"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, badLimit.statusCode());
        assertEquals("application/problem+json", badLimit.headers().firstValue("Content-Type").orElseThrow());
        JsonNode problem = Json.mapper().readTree(badLimit.body());
        assertEquals("https://kanary.io/problems/invalid-query", problem.path("type").asText());
        assertEquals("limit", problem.path("errors").path(0).path("field").asText());
    }

    @Test
    void shouldRefuseUnknownHostsAndUnknownDeployments() throws Exception {
        HttpResponse<String> unknownHost = post("/v1/deployments", """
                {"service": "cart", "version": "v1", "hosts": ["host-9"], "run": {"command": ["cart"]}}""");
        assertEquals(422, unknownHost.statusCode());
        assertTrue(unknownHost.body().contains("unknown host host-9"), unknownHost.body());

        HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(uri("/v1/deployments/nope")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertEquals(404, post("/v1/deployments/nope/rollback", "").statusCode());
    }

    @Test
    void shouldSendAnUnreadableDeployRequestToTheDlqAndKeepGoing() throws Exception {
        byte[] key = ("unreadable-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.DEPLOY_REQUESTS.name(), key, "not json".getBytes())).get();
        }
        ConsumerRecord<byte[], byte[]> dead = readFirst(Topics.DEPLOY_REQUESTS.dlqName(), r -> Arrays.equals(key, r.key()));
        assertEquals("not json", new String(dead.value(), StandardCharsets.UTF_8));
        String reason = CloudEvents.header(dead.headers(), DeadLetters.REASON).orElseThrow();
        assertTrue(reason.contains("Not a valid DeployRequest"), reason);

        HttpResponse<String> after = post("/v1/deployments", """
                {"deploymentId": "shop-1", "service": "shop", "version": "v1", "hosts": ["host-2"], "run": {"command": ["shop"]}}""");
        assertEquals(202, after.statusCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> "ROLLING".equals(get("/v1/deployments/shop-1").path("phase").asText()));
    }

    @Test
    void shouldPauseOnceAndRefuseWhatDoesNotApplyNamingThePhase() throws Exception {
        assertEquals(202, post("/v1/deployments", """
                {"deploymentId": "ctl-1", "service": "ctl", "version": "v1", "hosts": ["host-1"],
                 "run": {"command": ["ctl-server"]}}""").statusCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> "ROLLING".equals(get("/v1/deployments/ctl-1").path("phase").asText()));

        HttpResponse<String> resume = post("/v1/deployments/ctl-1/resume", "");
        assertEquals(409, resume.statusCode());
        JsonNode problem = Json.mapper().readTree(resume.body());
        assertEquals("ROLLING", problem.path("phase").asText());
        assertEquals("Deployment ctl-1 is ROLLING; resume applies only to a deployment that is PAUSED", problem.path("detail").asText());
        assertEquals(400, postWithKey("/v1/deployments/ctl-1/pause", "{}", "not a key").statusCode());
        assertEquals(400, post("/v1/deployments/ctl-1/pause", "{\"full\": true}").statusCode(), "full is promote's");

        HttpResponse<String> paused = postWithKey("/v1/deployments/ctl-1/pause", "{\"reason\": \"lunch\"}", "ctl-pause-1");
        assertEquals(202, paused.statusCode(), paused.body());
        assertEquals("PAUSED", Json.mapper().readTree(paused.body()).path("phase").asText());
        HttpResponse<String> again = postWithKey("/v1/deployments/ctl-1/pause", "{\"reason\": \"lunch\"}", "ctl-pause-1");
        assertEquals(202, again.statusCode(), again.body());
        JsonNode view = get("/v1/deployments/ctl-1");
        assertEquals("tester", view.path("pausedBy").asText());
        assertEquals("lunch", view.path("pauseReason").asText());
        assertEquals(1, readAll(Topics.DEPLOY_EVENTS.name(), r -> "ctl-1".equals(CloudEvents.header(r.headers(),
                CloudEvents.SUBJECT).orElse(null)) && new String(r.value(), StandardCharsets.UTF_8).contains("deployment.paused")),
                "the same pause twice is recorded once");
    }

    @Test
    void shouldRefuseUndoRestartAndRetryWithoutWhatTheyNeed() throws Exception {
        // Compared as JSON trees: the order of an object's fields is not part of the answer.
        assertEquals(Json.mapper().readTree("{\"service\":\"norev\",\"revisions\":[]}"),
                Json.mapper().valueToTree(get("/v1/services/norev/revisions")));
        assertEquals(409, post("/v1/services/norev/undo", "{}").statusCode());
        assertEquals(404, post("/v1/services/norev/undo", "{\"toRevision\": 3}").statusCode());
        assertEquals(409, post("/v1/services/norev/restart", "{}").statusCode());
        assertEquals(400, post("/v1/services/norev/restart", "{\"toRevision\": 1}").statusCode());
        assertEquals(404, post("/v1/deployments/nope/retry", "{}").statusCode());
    }

    @Test
    void shouldSendAnUnreadableControlToTheDlqAndKeepGoing() throws Exception {
        byte[] key = ("unreadable-control-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.DEPLOY_CONTROLS.name(), key,
                    "{\"eventId\":\"c-1\",\"schemaVersion\":1,\"action\":\"pause\"}".getBytes(StandardCharsets.UTF_8))).get();
        }

        ConsumerRecord<byte[], byte[]> dead = readFirst(Topics.DEPLOY_CONTROLS.dlqName(), r -> Arrays.equals(key, r.key()));

        assertEquals("control.requested without deploymentId, service, by",
                CloudEvents.header(dead.headers(), DeadLetters.REASON).orElseThrow());
    }

    private static int readAll(String topic, Predicate<ConsumerRecord<byte[], byte[]>> wanted) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    count += wanted.test(r) ? 1 : 0;
                }
            }
        }
        return count;
    }

    private static HttpResponse<String> postWithKey(String path, String body, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN).header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The first record of {@code topic} (read from its start) that {@code wanted} picks; other tests write there too. */
    private static ConsumerRecord<byte[], byte[]> readFirst(String topic, Predicate<ConsumerRecord<byte[], byte[]>> wanted) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (wanted.test(r)) {
                        records.add(r);
                    }
                });
                return !records.isEmpty();
            });
        }
        return records.get(0);
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(response.body());
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
