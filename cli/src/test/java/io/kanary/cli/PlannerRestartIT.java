package io.kanary.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.client.PlannerClient;
import io.kanary.cli.demo.DemoScenario;
import io.kanary.cli.stack.KanaryStack;
import io.kanary.cli.stack.ServiceName;
import io.kanary.cli.stack.StackOptions;
import io.kanary.kafka.Topics;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.PlannerService;
import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.planner.http.auth.Principal;
import io.kanary.planner.http.auth.Role;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Policy;
import io.kanary.security.RunAllowList;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deadlines count only the time kanary was awake: the planner is stopped mid-rollout for longer
 * than the batch's health deadline while the executor (process driver) and the health-watcher
 * keep running on the embedded broker, then started again — and the rollout still succeeds.
 */
class PlannerRestartIT {
    private static final List<String> HOSTS = List.of("host-1", "host-2");
    /**
     * A host passes its gate after 5 good probes spanning 4 s; a batch has 20 s. Both hosts are one
     * batch, so the outcome hangs on the restart, not on how fast a busy machine starts a second JVM.
     */
    private static final long HEALTH_DEADLINE_MS = 20_000;
    private static final Policy POLICY = new Policy(0.10, 2_000L, null, 20, 100L, 5, 4_000L, HEALTH_DEADLINE_MS);
    private static final PrintStream OUT = System.out;

    private static final String TOKEN = "test-operator-token";
    private KanaryStack stack;
    private PlannerService planner;

    @AfterEach
    void stopEverything() {
        if (planner != null) {
            planner.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldFinishAHealthyRolloutAfterThePlannerWasDownLongerThanItsHealthDeadline() throws Exception {
        stack = KanaryStack.start(StackOptions.processes(null, 0, Files.createTempDirectory("kanary-restart-"),
                EnumSet.of(ServiceName.EXECUTOR, ServiceName.HEALTH_WATCHER), HOSTS, 0, 100), OUT);
        PlannerConfig config = PlannerConfig.defaults(stack.kafka()).withHttpPort(0)
                .withAuth(ApiAuth.single(new Principal("tester", Role.OPERATOR), TOKEN)).withAllowList(RunAllowList.ANYTHING);
        planner = PlannerService.start(config);
        PlannerClient api = client();
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("v1/hosts").path("hosts").size() == HOSTS.size());

        Map<String, Object> request = new LinkedHashMap<>();
        request.put("deploymentId", "restart-v1");
        request.put("service", DemoScenario.SERVICE);
        request.put("version", "v1");
        request.put("run", DemoScenario.demoApp("v1", 0.0));
        request.put("hosts", HOSTS);
        request.put("batchSize", HOSTS.size());
        request.put("policy", POLICY);
        api.post("v1/deployments", request);
        await().atMost(Duration.ofSeconds(60)).until(() -> deploymentOrNull(api, "restart-v1"),
                d -> d != null && "ROLLING".equals(d.path("phase").asText()));

        planner.close();
        planner = null;
        // The batch open when the planner stopped, from the record: its deadline is what a restart must not trip.
        List<DeploymentEvent> beforeStop = deploymentEvents("restart-v1");
        assertFalse(beforeStop.stream().anyMatch(DeploymentEvent::isTerminal), beforeStop.toString());
        Instant deadline = beforeStop.stream().filter(e -> e instanceof DeploymentEvent.BatchStarted)
                .reduce((a, b) -> b).orElseThrow().at().plusMillis(HEALTH_DEADLINE_MS);
        // Stay down until the open batch's deadline has passed by wall-clock time.
        await().atMost(Duration.ofSeconds(90)).until(() -> Instant.now().isAfter(deadline.plusSeconds(2)));
        planner = PlannerService.start(config);
        PlannerClient restarted = client();

        JsonNode done = await().atMost(Duration.ofSeconds(180)).until(() -> deploymentOrNull(restarted, "restart-v1"),
                d -> d != null && List.of("SUCCEEDED", "ROLLED_BACK", "FAILED").contains(d.path("phase").asText()));
        assertEquals("SUCCEEDED", done.path("phase").asText(), done.toString());
        PatientFleet.assertEveryHostAnswers(stack.kafka(), HOSTS, "v1");

        List<DeploymentEvent> record = deploymentEvents("restart-v1");
        assertFalse(record.stream().anyMatch(e -> e instanceof DeploymentEvent.RollingBack), record.toString());
        DeploymentEvent.DeadlinesExtended extended = record.stream()
                .filter(e -> e instanceof DeploymentEvent.DeadlinesExtended).map(e -> (DeploymentEvent.DeadlinesExtended) e)
                .findFirst().orElseThrow(() -> new AssertionError("no deadline extension in " + record));
        assertTrue(extended.at().isAfter(deadline), "the planner resumed after the deadline it then moved: " + extended);
        assertEquals(extended.extendedByMs(), Duration.between(extended.downSince(), extended.at()).toMillis());

        JsonNode host1 = restarted.get("v1/hosts").path("hosts").get(0);
        assertEquals("host-1", host1.path("hostId").asText());
        assertEquals("v1", host1.path("services").get(0).path("version").asText());
    }

    private PlannerClient client() {
        return new PlannerClient("http://127.0.0.1:" + planner.httpPort(), TOKEN);
    }

    private static JsonNode deploymentOrNull(PlannerClient api, String id) {
        try {
            return api.get("v1/deployments/" + id);
        } catch (UserError notYet) {
            return null; // still on its way through deploy.requests
        }
    }

    private List<DeploymentEvent> deploymentEvents(String deploymentId) {
        Map<String, Object> props = new HashMap<>(stack.kafka());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "restart-it-" + UUID.randomUUID());
        List<DeploymentEvent> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(Topics.DEPLOY_EVENTS.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    DeploymentEvent event = Topics.DEPLOY_EVENTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
                    if (deploymentId.equals(event.deploymentId())) {
                        events.add(event);
                    }
                }
            }
        }
        return events;
    }
}
