package io.kanary.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.kanary.broker.BrokerSecurity;
import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.KanaryAcls;
import io.kanary.broker.TopicSetup;
import io.kanary.cli.client.PlannerClient;
import io.kanary.cli.demo.DemoScenario;
import io.kanary.cli.demo.EmbeddedAllowList;
import io.kanary.cli.stack.Driver;
import io.kanary.detector.BreachDetector;
import io.kanary.detector.DetectorConfig;
import io.kanary.executor.ExecutorConfig;
import io.kanary.executor.HostExecutor;
import io.kanary.health.HealthWatcher;
import io.kanary.health.HealthWatcherConfig;
import io.kanary.kafka.Topics;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.PlannerService;
import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.planner.http.auth.Principal;
import io.kanary.planner.http.auth.Role;
import io.kanary.schema.Breach;
import io.kanary.schema.Policy;
import io.kanary.schema.RollbackCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rollout with Kafka secured as in production: the broker's only client listener is SASL_SSL
 * (SCRAM-SHA-512, its certificate made at start), ACLs are enforced (StandardAuthorizer), and the
 * planner, executor, health-watcher and breach-detector each log in as their own principal with
 * only the rights {@link KanaryAcls} gives it. v1 rolls out; v2, failing every request, is
 * breached by the detector and rolled back.
 */
class SecureRolloutIT {
    private static final List<String> HOSTS = List.of("host-1", "host-2");
    private static final String TOKEN = "secure-rollout-token";
    /** v1 has no baseline: judge it leniently, so that a loaded machine's slow first probes cannot roll it back. */
    private static final Policy LENIENT = new Policy(1.0, 60_000L, null, 20, 100L, 3, 1_000L, 120_000L);
    /** The demo's policy with a health deadline long enough that the detector, not the deadline, ends v2 on a loaded machine. */
    private static final Policy JUDGED = new Policy(0.10, 2_000L, null, 20, 100L, 5, 2_000L, 240_000L);
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    @AfterEach
    void stopEverything() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.err.println("warning: " + e.getMessage());
            }
        }
    }

    @Test
    void shouldRollOutAndBreachOverSaslSslWithEachServiceItsOwnPrincipal() throws Exception {
        Map<String, String> users = Map.of("admin", "admin-pw", "kanary-planner", "planner-pw", "kanary-executor", "executor-pw",
                "kanary-health-watcher", "watcher-pw", "kanary-breach-detector", "detector-pw", "kanary-audit", "audit-pw");
        EmbeddedKafkaBroker broker = started(EmbeddedKafkaBroker.startSecured(BrokerSecurity.scramWithAcls(users, Set.of("admin"))));
        TopicSetup.createTopics(broker.clientProps("admin"), 1, (short) 1);
        KanaryAcls.DEFAULT_PRINCIPALS.apply(broker.clientProps("admin"));

        Path state = Files.createTempDirectory("kanary-secure-");
        started(BreachDetector.start(DetectorConfig.defaults(broker.clientProps("kanary-breach-detector"))
                .withStateDir(state.resolve("streams"))));
        started(HealthWatcher.start(new HealthWatcherConfig(broker.clientProps("kanary-health-watcher"), 200,
                HealthWatcherConfig.DEFAULT_PROBE_TIMEOUT, HealthWatcherConfig.DEFAULT_GROUP_ID)));
        PlannerService planner = started(PlannerService.start(PlannerConfig.defaults(broker.clientProps("kanary-planner"))
                .withHttpPort(0).withAuth(ApiAuth.single(new Principal("secure-it", Role.OPERATOR), TOKEN))
                .withAllowList(EmbeddedAllowList.of(Map.of()))));
        started(HostExecutor.start(new ExecutorConfig(broker.clientProps("kanary-executor"), "secure-it", HOSTS, "process",
                state.resolve("instances"), Duration.ofSeconds(60)).withAllowList(EmbeddedAllowList.of(Map.of()))));

        PlannerClient client = new PlannerClient("http://127.0.0.1:" + planner.httpPort(), TOKEN);
        new DemoScenario(client, HOSTS, Driver.PROCESS, System.out).awaitHosts();
        assertEquals("SUCCEEDED", rollout(client, "secure-v1", "v1", 0.0, HOSTS.size(), LENIENT));
        assertEquals("ROLLED_BACK", rollout(client, "secure-v2", "v2", 1.0, 1, JUDGED));

        // The breach-detector, logged in as itself, judged v2 and asked for the rollback.
        Map<String, Object> audit = broker.clientProps("kanary-audit");
        Breach breach = (Breach) firstFor(audit, Topics.BREACHES.name(), "secure-v2");
        assertEquals("secure-v2", breach.deploymentId());
        RollbackCommand rollback = (RollbackCommand) firstFor(audit, Topics.ROLLBACK_COMMANDS.name(), "secure-v2");
        assertNotNull(rollback.breachId(), "the rollback came from the breach-detector");
    }

    /** Requests a rollout of demo-app through the API and returns its final phase (bounded generously: a loaded machine is slow). */
    private static String rollout(PlannerClient client, String id, String version, double failureRate, int batchSize,
                                  Policy policy) {
        Map<String, Object> request = new java.util.LinkedHashMap<>();
        request.put("deploymentId", id);
        request.put("service", DemoScenario.SERVICE);
        request.put("version", version);
        request.put("run", DemoScenario.demoApp(version, failureRate));
        request.put("hosts", HOSTS);
        request.put("batchSize", batchSize);
        request.put("policy", policy);
        client.post("v1/deployments", request);
        Set<String> terminal = Set.of("SUCCEEDED", "ROLLED_BACK", "FAILED", "ABORTED");
        return await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                .ignoreException(UserError.class) // 404 while the request is still on its way through deploy.requests
                .until(() -> client.get("v1/deployments/" + id).path("phase").asText(), terminal::contains);
    }

    private <T extends AutoCloseable> T started(T service) {
        started.push(service);
        return service;
    }

    /** The first event on {@code topic} about {@code deploymentId}, read with the audit's principal. */
    private static Object firstFor(Map<String, Object> client, String topic, String deploymentId) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "kanary-audit-secure-it-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Object> found = new ArrayList<>();
        var serde = Topics.ALL.stream().filter(t -> t.name().equals(topic)).findFirst().orElseThrow().valueSerde();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    Object event = serde.deserializer().deserialize(topic, r.value());
                    if (event instanceof io.kanary.schema.KanaryEvent e && deploymentId.equals(e.subject())) {
                        found.add(event);
                    }
                });
                return !found.isEmpty();
            });
        }
        return found.get(0);
    }
}
