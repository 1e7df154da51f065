package io.kanary.planner.kafka;

import static io.kanary.testkit.RawTopics.header;
import static io.kanary.testkit.RawTopics.readToEnd;
import static io.kanary.testkit.RawTopics.write;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.kafka.DeadLetters;
import io.kanary.kafka.Json;
import io.kanary.kafka.Topics;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.PlannerService;
import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.planner.http.auth.Principal;
import io.kanary.planner.http.auth.Role;
import io.kanary.security.RunAllowList;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.RawTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No record stops the planner: every bad record on its inputs goes to its DLQ exactly once, signed
 * by the planner with the reason, never again after a restart, and the good record after it is
 * acted on; garbage and nulls in deploy.events and host.events history do not stop it starting.
 */
class PlannerPoisonIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String NOW = "2025-03-14T09:26:53Z";

    private static final String TOKEN = "test-operator-token";
    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();
    private Map<String, Object> kafka;
    private PlannerService planner;

    @BeforeEach
    void useBroker() {
        kafka = broker.kafka();
    }

    @AfterEach
    void stop() {
        if (planner != null) {
            planner.close();
        }
    }

    /** One bad record: where it goes and what is wrong with it. */
    private record Poison(String topic, String key, byte[] value) {
        static Poison of(String topic, String key, String value) {
            return new Poison(topic, key, value == null ? null : RawTopics.utf8(value));
        }
    }

    private static Map<String, Poison> corpus() {
        Map<String, Poison> corpus = new LinkedHashMap<>();
        String requests = Topics.DEPLOY_REQUESTS.name();
        corpus.put("request: null value", Poison.of(requests, "web", null));
        corpus.put("request: null key, not JSON", Poison.of(requests, null, "ts=1741944413;deploy web"));
        corpus.put("request: truncated JSON", Poison.of(requests, "web", "{\"eventId\":\"r-1\",\"service\":\"we"));
        corpus.put("request: JSON null", Poison.of(requests, "web", "null"));
        corpus.put("request: no eventId", Poison.of(requests, "web", """
                {"schemaVersion":1,"service":"web","version":"v9","hosts":["host-1"],"run":{"command":["web"]}}"""));
        corpus.put("request: a number for the service", Poison.of(requests, "web", """
                {"eventId":"r-2","schemaVersion":1,"service":123,"version":"v9","run":{"command":["web"]}}"""));
        corpus.put("request: a fraction of a batch", Poison.of(requests, "web", """
                {"eventId":"r-3","schemaVersion":1,"service":"web","version":"v9","batchSize":1.5,"run":{"command":["web"]}}"""));
        corpus.put("request: a duplicate key", Poison.of(requests, "web", """
                {"eventId":"r-4","schemaVersion":1,"service":"web","service":"api","version":"v9","run":{"command":["web"]}}"""));
        corpus.put("request: a null host", Poison.of(requests, "web", """
                {"eventId":"r-5","schemaVersion":1,"service":"web","version":"v9","hosts":[null],"run":{"command":["web"]}}"""));
        corpus.put("request: oversized", new Poison(requests, "web",
                RawTopics.utf8("{\"eventId\":\"" + "x".repeat(600 * 1024) + "\"}")));
        String hostEvents = Topics.HOST_EVENTS.name();
        corpus.put("host event: null value", Poison.of(hostEvents, "host-1", null));
        corpus.put("host event: announced without hostId", Poison.of(hostEvents, "host-1", """
                {"type":"host.announced","eventId":"h-1","schemaVersion":1,"driver":"process","at":"%s"}""".formatted(NOW)));
        corpus.put("host event: unknown type", Poison.of(hostEvents, "host-1", """
                {"type":"host.exploded","eventId":"h-2","schemaVersion":1,"hostId":"host-1","at":"%s"}""".formatted(NOW)));
        corpus.put("host event: truncated", Poison.of(hostEvents, "host-1", "{\"type\":\"host.announced\",\"eventId"));
        String health = Topics.INSTANCE_HEALTH.name();
        corpus.put("instance health: null value", Poison.of(health, "web", null));
        corpus.put("instance health: a string for a count", Poison.of(health, "web", """
                {"eventId":"ih-1","schemaVersion":1,"service":"web","version":"v1","hostId":"host-1","goodInARow":"3",\
                "goodSince":"%s","lastProbedAt":"%s","lastOk":true,"lastProbeId":"p-1"}""".formatted(NOW, NOW)));
        corpus.put("instance health: no hostId", Poison.of(health, "web", """
                {"eventId":"ih-2","schemaVersion":1,"service":"web","version":"v1","goodInARow":0,\
                "lastProbedAt":"%s","lastOk":false,"lastProbeId":"p-2"}""".formatted(NOW)));
        String rollbacks = Topics.ROLLBACK_COMMANDS.name();
        corpus.put("rollback: null value", Poison.of(rollbacks, "web", null));
        corpus.put("rollback: no deploymentId", Poison.of(rollbacks, "web", """
                {"eventId":"b-1","schemaVersion":1,"service":"web","reason":"bad","issuedAt":"%s"}""".formatted(NOW)));
        corpus.put("rollback: not JSON", Poison.of(rollbacks, "web", "\u0000\u0001garbage"));
        String judgements = Topics.JUDGEMENTS.name();
        corpus.put("judgement: null value", Poison.of(judgements, "web", null));
        corpus.put("judgement: healthy without deploymentId", Poison.of(judgements, "web", """
                {"type":"judgement.healthy","eventId":"j-1","schemaVersion":1,"service":"web","version":"v2","batch":0,\
                "samples":80,"errorRate":0.0,"test":"mSPRT healthy","statistic":3.1,"statisticThreshold":3.0,\
                "summary":"healthy","judgedAt":"%s"}""".formatted(NOW)));
        corpus.put("judgement: unknown type", Poison.of(judgements, "web", """
                {"type":"judgement.maybe","eventId":"j-2","schemaVersion":1,"deploymentId":"web-1","service":"web"}"""));
        return corpus;
    }

    @Test
    void shouldDeadLetterEachPoisonRecordOnceAndActOnTheGoodRecordAfterIt() throws Exception {
        announce("host-1");
        planner = PlannerService.start(config());
        Map<String, Long> offsets = new LinkedHashMap<>();
        for (Map.Entry<String, Poison> poison : corpus().entrySet()) {
            Poison p = poison.getValue();
            offsets.put(poison.getKey(), write(kafka, p.topic(), p.key(), p.value()));
        }
        requestDeployment("good-1", "web-1", "web");

        await().atMost(Duration.ofSeconds(60)).until(() -> "ROLLING".equals(deployment("web-1").path("phase").asText()));
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLettersByPlanner().size() == corpus().size());
        assertEachPoisonDeadLetteredOnce(offsets);

        planner.close();
        planner = PlannerService.start(config());
        requestDeployment("good-2", "api-1", "api");

        await().atMost(Duration.ofSeconds(60)).until(() -> "ROLLING".equals(deployment("api-1").path("phase").asText()));
        assertEachPoisonDeadLetteredOnce(offsets);
        assertFalse(planner.stopped().isDone(), "the planner's loop is still running");
    }

    @Test
    void shouldStartFromHistoryWithGarbageAndNullRecordsInDeployAndHostEvents() throws Exception {
        String deployEvents = Topics.DEPLOY_EVENTS.name();
        write(kafka, deployEvents, "shop", (byte[]) null);
        write(kafka, deployEvents, "shop", "not json at all");
        write(kafka, deployEvents, "shop", """
                {"type":"deployment.started","eventId":"e-1","schemaVersion":1,"deploymentId":"shop-0","service":"shop",\
                "version":"v1","batches":[["host-1"]],"at":"%s"}""".formatted(NOW));
        DeploymentEvent.Started started = new DeploymentEvent.Started("e-2", 1, "shop-1", "shop", "v1", null, Map.of(),
                RunSpec.process(List.of("shop"), Map.of()), Policy.defaults(), List.of(List.of("host-1")), "test",
                Instant.now());
        write(kafka, deployEvents, "shop", Topics.DEPLOY_EVENTS.valueSerde().serializer().serialize(deployEvents, started));
        String hostEvents = Topics.HOST_EVENTS.name();
        Map<Long, String> badHostEvents = new TreeMap<>();
        badHostEvents.put(write(kafka, hostEvents, "host-1", (byte[]) null), "null");
        badHostEvents.put(write(kafka, hostEvents, "host-1", "{\"type\":"), "truncated");
        badHostEvents.put(write(kafka, hostEvents, "host-1", """
                {"type":"host.announced","eventId":"h-1","schemaVersion":1,"driver":"process","at":"%s"}""".formatted(NOW)),
                "no hostId");
        announce("host-1");

        planner = PlannerService.start(config());

        assertEquals("shop", deployment("shop-1").path("service").asText());
        assertEquals(404, get("/v1/deployments/shop-0").statusCode());
        JsonNode hosts = Json.mapper().readTree(get("/v1/hosts").body()).path("hosts");
        assertEquals(1, hosts.size(), hosts.toString());
        assertEquals("host-1", hosts.get(0).path("hostId").asText(), hosts.toString());
        // The live loop reads host.events too and refuses the bad ones, once; the replay only skips them.
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLettersByPlanner().size() == badHostEvents.size());
        planner.close();
        planner = PlannerService.start(config());
        requestDeployment("good-3", "cart-1", "cart");
        await().atMost(Duration.ofSeconds(60)).until(() -> "ROLLING".equals(deployment("cart-1").path("phase").asText()));

        List<ConsumerRecord<byte[], byte[]>> letters = readToEnd(kafka, Topics.HOST_EVENTS.dlqName());
        assertEquals(badHostEvents.keySet().stream().toList(), letters.stream()
                .map(r -> Long.parseLong(header(r, DeadLetters.OFFSET))).toList());
        assertEquals(List.of(), readToEnd(kafka, Topics.DEPLOY_EVENTS.dlqName()),
                "the planner's replay skips bad deploy.events history; the breach-detector owns that DLQ");
    }

    private void assertEachPoisonDeadLetteredOnce(Map<String, Long> offsets) {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> letters = deadLettersByPlanner();
        for (Map.Entry<String, Poison> poison : corpus().entrySet()) {
            String where = poison.getValue().topic() + "@" + offsets.get(poison.getKey());
            List<ConsumerRecord<byte[], byte[]>> found = letters.getOrDefault(where, List.of());
            assertEquals(1, found.size(), poison.getKey() + ": dead letters at " + where);
            ConsumerRecord<byte[], byte[]> letter = found.get(0);
            assertEquals("planner", header(letter, DeadLetters.CONSUMER), poison.getKey());
            assertFalse(header(letter, DeadLetters.REASON).isBlank(), poison.getKey());
            assertFalse(header(letter, DeadLetters.REASON).contains("NullPointerException"), header(letter, DeadLetters.REASON));
            assertTrue(java.util.Arrays.equals(poison.getValue().value(), letter.value()), poison.getKey() + ": original bytes");
        }
    }

    /** The planner's dead letters of every input topic, by source topic and offset. */
    private Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLettersByPlanner() {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byOrigin = new LinkedHashMap<>();
        for (String topic : List.of(Topics.DEPLOY_REQUESTS.dlqName(), Topics.HOST_EVENTS.dlqName(),
                Topics.INSTANCE_HEALTH.dlqName(), Topics.ROLLBACK_COMMANDS.dlqName(), Topics.JUDGEMENTS.dlqName())) {
            for (ConsumerRecord<byte[], byte[]> letter : readToEnd(kafka, topic)) {
                if ("planner".equals(header(letter, DeadLetters.CONSUMER))) {
                    byOrigin.computeIfAbsent(header(letter, DeadLetters.TOPIC) + "@" + header(letter, DeadLetters.OFFSET),
                            k -> new java.util.ArrayList<>()).add(letter);
                }
            }
        }
        return byOrigin;
    }

    private void announce(String host) throws Exception {
        HostEvent.Announced announced = new HostEvent.Announced("a-" + host, 1, host, "process", Instant.now());
        write(kafka, Topics.HOST_EVENTS.name(), host,
                Topics.HOST_EVENTS.valueSerde().serializer().serialize(Topics.HOST_EVENTS.name(), announced));
    }

    private void requestDeployment(String eventId, String deploymentId, String service) throws Exception {
        write(kafka, Topics.DEPLOY_REQUESTS.name(), service, """
                {"eventId":"%s","schemaVersion":1,"deploymentId":"%s","service":"%s","version":"v1",\
                "hosts":["host-1"],"run":{"command":["%s"]}}""".formatted(eventId, deploymentId, service, service));
    }

    private PlannerConfig config() {
        return PlannerConfig.defaults(kafka).withHttpPort(0)
                .withAuth(ApiAuth.single(new Principal("tester", Role.OPERATOR), TOKEN)).withAllowList(RunAllowList.ANYTHING);
    }

    private JsonNode deployment(String id) throws Exception {
        return Json.mapper().readTree(get("/v1/deployments/" + id).body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + planner.httpPort() + path))
                        .header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
