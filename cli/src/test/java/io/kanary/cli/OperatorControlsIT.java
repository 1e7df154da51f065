package io.kanary.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.demo.DemoScenario;
import io.kanary.cli.stack.KanaryStack;
import io.kanary.cli.stack.ServiceName;
import io.kanary.cli.stack.StackOptions;
import io.kanary.kafka.Json;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Operators steer a real rollout: an executor (process driver) and the health-watcher on the
 * embedded broker, the planner as an OS process of its own so it can be killed with SIGKILL.
 * A paused rollout stays paused across the kill and a restart (rebuilt from deploy.events), then
 * resumes to success; an aborted one rolls back and ends ABORTED.
 */
class OperatorControlsIT {
    private static final List<String> HOSTS = List.of("host-1", "host-2");
    /** A host passes its gate after 5 good probes spanning 4 s; a batch has 60 s. */
    private static final Policy POLICY = new Policy(0.10, 2_000L, null, 20, 100L, 5, 4_000L, 60_000L);
    private static final Duration OUTCOME = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final PrintStream OUT = System.out;

    private KanaryStack stack;
    private Process planner;
    private int port;
    private final List<String> plannerOutput = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stopEverything() throws InterruptedException {
        if (planner != null) {
            planner.destroy();
            if (!planner.waitFor(30, TimeUnit.SECONDS)) {
                planner.destroyForcibly();
            }
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aPausedRolloutStaysPausedAfterThePlannerIsKilledAndResumesToSuccess() throws Exception {
        startStackAndPlanner();
        deploy("paused-v1");

        HttpResponse<String> paused = post("/v1/deployments/paused-v1/pause", "{\"reason\": \"watch the p99\"}", "pause-1");
        assertEquals(202, paused.statusCode(), paused.body());
        assertEquals("PAUSED", json(paused).path("phase").asText());
        HttpResponse<String> again = post("/v1/deployments/paused-v1/pause", "{\"reason\": \"watch the p99\"}", "pause-1");
        assertEquals(202, again.statusCode(), "the same pause twice is answered the same: " + again.body());
        // The paused batch still finishes its gates; the next one does not start.
        await().atMost(OUTCOME).until(() -> recordOf("paused-v1").stream().anyMatch(e -> e instanceof DeploymentEvent.BatchCompleted));

        planner.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no clean close
        startPlanner();

        // The restarted planner has decided (it records the downtime it was away) and still holds the rollout.
        await().atMost(OUTCOME).until(() -> recordOf("paused-v1").stream().anyMatch(e -> e instanceof DeploymentEvent.DeadlinesExtended));
        JsonNode afterRestart = get("/v1/deployments/paused-v1");
        assertEquals("PAUSED", afterRestart.path("phase").asText(), afterRestart.toString());
        assertEquals("anonymous@loopback", afterRestart.path("pausedBy").asText());
        assertEquals("watch the p99", afterRestart.path("pauseReason").asText());
        assertEquals("waiting", afterRestart.path("hosts").path("host-2").path("state").asText());
        assertEquals(List.of("host-1"), deployCommandHosts("paused-v1"));
        HttpResponse<String> pausedAgain = post("/v1/deployments/paused-v1/pause", "{}", "pause-2");
        assertEquals(409, pausedAgain.statusCode());
        assertEquals("PAUSED", json(pausedAgain).path("phase").asText());

        HttpResponse<String> resumed = post("/v1/deployments/paused-v1/resume", "{\"reason\": \"p99 fine\"}", "resume-1");
        assertEquals(202, resumed.statusCode(), resumed.body());
        JsonNode done = await().atMost(OUTCOME).until(() -> get("/v1/deployments/paused-v1"),
                d -> !List.of("ROLLING", "PAUSED").contains(d.path("phase").asText()));
        assertEquals("SUCCEEDED", done.path("phase").asText(), done.toString());
        assertEquals(List.of("host-1", "host-2"), deployCommandHosts("paused-v1"));
        DeploymentEvent.Resumed resumedEvent = recordOf("paused-v1").stream().filter(e -> e instanceof DeploymentEvent.Resumed)
                .map(e -> (DeploymentEvent.Resumed) e).findFirst().orElseThrow();
        assertEquals("p99 fine", resumedEvent.reason());
        assertEquals("resume-1", resumedEvent.controlId());
    }

    @Test
    void anAbortedRolloutRollsBackAndEndsAborted() throws Exception {
        startStackAndPlanner();
        deploy("aborted-v1");

        HttpResponse<String> aborted = post("/v1/deployments/aborted-v1/abort", "{\"reason\": \"wrong build\"}", "abort-1");
        assertEquals(202, aborted.statusCode(), aborted.body());
        JsonNode done = await().atMost(OUTCOME).until(() -> get("/v1/deployments/aborted-v1"),
                d -> !List.of("ROLLING", "ROLLING_BACK").contains(d.path("phase").asText()));

        assertEquals("ABORTED", done.path("phase").asText(), done.toString());
        assertEquals("aborted by anonymous@loopback: wrong build", done.path("reason").asText());
        assertEquals(202, post("/v1/deployments/aborted-v1/abort", "{\"reason\": \"wrong build\"}", "abort-1").statusCode(),
                "the same abort again is answered as the first");
        HttpResponse<String> resume = post("/v1/deployments/aborted-v1/resume", "", null);
        assertEquals(409, resume.statusCode());
        JsonNode problem = json(resume);
        assertEquals("ABORTED", problem.path("phase").asText());
        assertEquals("Deployment aborted-v1 is ABORTED; resume applies only to a deployment that is PAUSED",
                problem.path("detail").asText());

        HttpResponse<String> retry = post("/v1/deployments/aborted-v1/retry", "{}", null);
        assertEquals(202, retry.statusCode(), retry.body());
        JsonNode retried = awaitEnd(json(retry).path("deploymentId").asText());
        assertEquals("SUCCEEDED", retried.path("phase").asText(), retried.toString());
        assertEquals("retry", retried.path("kind").asText());
        assertEquals("aborted-v1", retried.path("cause").asText());
        assertEquals(List.of(List.of("host-1"), List.of("host-2")), Json.mapper().convertValue(retried.path("plan"), List.class));
    }

    @Test
    void anApprovalStepWaitsUntilPromoted() throws Exception {
        startStackAndPlanner();
        Map<String, Object> request = request("approved-v1");
        request.remove("batchSize");
        // Written by hand: the shared mapper leaves nulls out, and an approval is the pause that is null.
        String body = Json.mapper().writeValueAsString(request).replaceFirst("\\}$",
                ", \"steps\": [{\"hosts\": 1}, {\"pause\": null}, {\"percent\": 100}]}");

        HttpResponse<String> dryRun = post("/v1/deployments?dryRun=true", body, null);
        assertEquals(200, dryRun.statusCode(), dryRun.body());
        assertEquals("[{\"kind\":\"batch\",\"hosts\":[\"host-1\"]},{\"kind\":\"approval\"},"
                + "{\"kind\":\"batch\",\"hosts\":[\"host-2\"]}]", json(dryRun).path("steps").toString());
        assertEquals(404, HTTP.send(HttpRequest.newBuilder(uri("/v1/deployments/approved-v1")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "a dry run starts nothing");

        HttpResponse<String> accepted = post("/v1/deployments", body, null);
        assertEquals(202, accepted.statusCode(), accepted.body());
        JsonNode waiting = await().atMost(OUTCOME).ignoreExceptions().until(() -> get("/v1/deployments/approved-v1"),
                d -> !List.of("ROLLING").contains(d.path("phase").asText()));
        assertEquals("WAITING", waiting.path("phase").asText(), waiting.toString());
        assertEquals("approval", waiting.path("stepKind").asText());
        assertEquals(2, waiting.path("step").asInt());
        assertEquals(3, waiting.path("steps").asInt());
        assertEquals(List.of("host-1"), deployCommandHosts("approved-v1"));

        HttpResponse<String> promoted = post("/v1/deployments/approved-v1/promote", "{\"reason\": \"staging looks good\"}", "promote-1");
        assertEquals(202, promoted.statusCode(), promoted.body());
        JsonNode done = await().atMost(OUTCOME).until(() -> get("/v1/deployments/approved-v1"),
                d -> !List.of("ROLLING", "WAITING").contains(d.path("phase").asText()));
        assertEquals("SUCCEEDED", done.path("phase").asText(), done.toString());
        assertEquals(List.of("host-1", "host-2"), deployCommandHosts("approved-v1"));
    }

    @Test
    void aQueuedRequestStartsWhenTheActiveOneEndsAndUndoBringsBackTheEarlierRunSpec() throws Exception {
        startStackAndPlanner();
        Map<String, Object> first = oneHost("queue-v1", "v1", "first");
        Map<String, Object> second = oneHost("queue-v2", "v2", "second");
        assertEquals(202, post("/v1/deployments", Json.mapper().writeValueAsString(first), null).statusCode());
        await().atMost(OUTCOME).ignoreExceptions().until(() -> "ROLLING".equals(get("/v1/deployments/queue-v1").path("phase").asText()));

        HttpResponse<String> queued = post("/v1/deployments", Json.mapper().writeValueAsString(second), null);
        assertEquals(202, queued.statusCode(), queued.body());
        assertEquals("QUEUED", json(queued).path("phase").asText(), queued.body());
        assertEquals(1, get("/v1/deployments/queue-v2").path("queuePosition").asInt());
        assertEquals("SUCCEEDED", awaitEnd("queue-v1").path("phase").asText());
        assertEquals("SUCCEEDED", awaitEnd("queue-v2").path("phase").asText());
        DeploymentEvent.Succeeded firstEnded = (DeploymentEvent.Succeeded) recordOf("queue-v1").stream()
                .filter(DeploymentEvent::isTerminal).findFirst().orElseThrow();
        DeploymentEvent.Started secondStarted = (DeploymentEvent.Started) recordOf("queue-v2").stream()
                .filter(e -> e instanceof DeploymentEvent.Started).findFirst().orElseThrow();
        assertEquals(firstEnded.at(), secondStarted.at(), "the queued request started in the decision that ended the first");

        JsonNode revisions = get("/v1/services/" + DemoScenario.SERVICE + "/revisions").path("revisions");
        assertEquals(2, revisions.size(), revisions.toString());
        HttpResponse<String> undo = post("/v1/services/" + DemoScenario.SERVICE + "/undo", "{\"reason\": \"v2 regressed\"}", "undo-1");
        assertEquals(202, undo.statusCode(), undo.body());
        assertEquals(1, json(undo).path("revision").asInt());
        String undoId = json(undo).path("deploymentId").asText();
        JsonNode undone = awaitEnd(undoId);

        assertEquals("SUCCEEDED", undone.path("phase").asText(), undone.toString());
        assertEquals("undo", undone.path("kind").asText());
        assertEquals("revision 1 (queue-v1)", undone.path("cause").asText());
        HostCommand.Deploy command = (HostCommand.Deploy) readAll(Topics.HOST_COMMANDS.name(), bytes -> Topics.HOST_COMMANDS
                .valueSerde().deserializer().deserialize(Topics.HOST_COMMANDS.name(), bytes)).stream()
                .filter(c -> c instanceof HostCommand.Deploy && undoId.equals(c.deploymentId())).findFirst().orElseThrow();
        assertEquals(Json.mapper().treeToValue(revisions.get(0).path("run"), RunSpec.class), command.run());
        assertEquals("first", command.run().env().get("DEMO_NOTE"));
        assertEquals(3, get("/v1/services/" + DemoScenario.SERVICE + "/revisions").path("revisions").size());

        HttpResponse<String> restart = post("/v1/services/" + DemoScenario.SERVICE + "/restart", "{}", null);
        assertEquals(202, restart.statusCode(), restart.body());
        String restartId = json(restart).path("deploymentId").asText();
        JsonNode restarted = awaitEnd(restartId);
        assertEquals("SUCCEEDED", restarted.path("phase").asText(), restarted.toString());
        assertEquals("restart", restarted.path("kind").asText());
        assertEquals("v1", restarted.path("version").asText());
        String before = instanceStartedBy(undoId);
        String after = instanceStartedBy(restartId);
        assertTrue(!before.equals(after), "a restart runs a new instance of the same version: " + before + " then " + after);
    }

    /** The instance id host-1 reported started for {@code deploymentId}. */
    private String instanceStartedBy(String deploymentId) {
        return readAll(Topics.HOST_EVENTS.name(), bytes -> Topics.HOST_EVENTS.valueSerde().deserializer()
                .deserialize(Topics.HOST_EVENTS.name(), bytes)).stream()
                .filter(e -> e instanceof HostEvent.Started s && deploymentId.equals(s.deploymentId()))
                .map(e -> ((HostEvent.Started) e).instance().instanceId()).findFirst().orElseThrow();
    }

    private Map<String, Object> oneHost(String id, String version, String note) {
        Map<String, Object> request = request(id);
        RunSpec demo = DemoScenario.demoApp(version, 0.0);
        Map<String, String> env = new LinkedHashMap<>(demo.env());
        env.put("DEMO_NOTE", note);
        request.put("version", version);
        request.put("run", RunSpec.process(demo.command(), env));
        request.put("hosts", List.of("host-1"));
        return request;
    }

    private JsonNode awaitEnd(String id) {
        return await().atMost(OUTCOME).ignoreExceptions().until(() -> get("/v1/deployments/" + id),
                d -> List.of("SUCCEEDED", "ROLLED_BACK", "FAILED", "ABORTED", "CANCELLED").contains(d.path("phase").asText()));
    }

    private void startStackAndPlanner() throws Exception {
        stack = KanaryStack.start(StackOptions.processes(null, 0, Files.createTempDirectory("kanary-controls-"),
                EnumSet.of(ServiceName.EXECUTOR, ServiceName.HEALTH_WATCHER), HOSTS, 0, 100), OUT);
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        startPlanner();
        await().atMost(OUTCOME).ignoreExceptions().until(() -> get("/v1/hosts").path("hosts").size() == HOSTS.size());
    }

    /** The planner as its own JVM, from this JVM's classpath, on the stack's broker; authentication off (loopback). */
    private void startPlanner() throws IOException {
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), "io.kanary.planner.PlannerService");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", String.valueOf(stack.kafka().get("bootstrap.servers")));
        // A static member of its group, as kanary up runs it: the restarted planner takes its partitions over at
        // once instead of waiting out the killed one's session.
        builder.environment().put("KAFKA_GROUP_INSTANCE_ID", "kanary-planner-controls-it");
        builder.environment().put("PLANNER_AUTH", "none");
        // No breach-detector runs here: batches advance on their health gates, with no judgement to wait for.
        builder.environment().put("KANARY_REQUIRE_EVIDENCE", "false");
        builder.environment().put("PLANNER_HTTP_PORT", Integer.toString(port));
        builder.environment().put("KANARY_ALLOW_EXECUTABLES", DemoScenario.demoApp("v1", 0.0).command().get(0));
        planner = builder.start();
        Process started = planner;
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    plannerOutput.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        pump.setDaemon(true);
        pump.start();
        await().atMost(OUTCOME).ignoreExceptions().until(() -> {
            assertTrue(started.isAlive(), () -> "the planner exited: " + String.join("\n", plannerOutput));
            return get("/v1/hosts").has("hosts");
        });
    }

    private void deploy(String id) throws Exception {
        HttpResponse<String> accepted = post("/v1/deployments", Json.mapper().writeValueAsString(request(id)), null);
        assertEquals(202, accepted.statusCode(), accepted.body());
        await().atMost(OUTCOME).ignoreExceptions().until(() -> "ROLLING".equals(get("/v1/deployments/" + id).path("phase").asText()));
    }

    private static Map<String, Object> request(String id) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("deploymentId", id);
        request.put("service", DemoScenario.SERVICE);
        request.put("version", "v1");
        request.put("run", DemoScenario.demoApp("v1", 0.0));
        request.put("hosts", HOSTS);
        request.put("batchSize", 1);
        request.put("policy", POLICY);
        return request;
    }

    private JsonNode get(String path) throws Exception {
        return json(HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    private HttpResponse<String> post(String path, String body, String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.mapper().readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private List<DeploymentEvent> recordOf(String deploymentId) {
        return readAll(Topics.DEPLOY_EVENTS.name(), bytes -> Topics.DEPLOY_EVENTS.valueSerde().deserializer()
                .deserialize(Topics.DEPLOY_EVENTS.name(), bytes)).stream()
                .filter(e -> deploymentId.equals(e.deploymentId())).toList();
    }

    private List<String> deployCommandHosts(String deploymentId) {
        return readAll(Topics.HOST_COMMANDS.name(), bytes -> Topics.HOST_COMMANDS.valueSerde().deserializer()
                .deserialize(Topics.HOST_COMMANDS.name(), bytes)).stream()
                .filter(c -> c instanceof HostCommand.Deploy && deploymentId.equals(c.deploymentId()))
                .map(HostCommand::hostId).toList();
    }

    private <T> List<T> readAll(String topic, Function<byte[], T> read) {
        Map<String, Object> props = new HashMap<>(stack.kafka());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "controls-it-" + UUID.randomUUID());
        List<T> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    events.add(read.apply(record.value()));
                }
            }
        }
        return events;
    }
}
