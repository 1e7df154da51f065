package io.kanary.planner.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.JsonSerde;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topic;
import io.kanary.kafka.TopicReplay;
import io.kanary.kafka.Topics;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.PlannerService;
import io.kanary.planner.http.PlannerView;
import io.kanary.planner.snapshot.HostSnapshot;
import io.kanary.planner.snapshot.SnapshotStore;
import io.kanary.planner.state.Fleet;
import io.kanary.planner.state.Phase;
import io.kanary.planner.state.Planner;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.InstanceHealth;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import io.kanary.security.RunAllowList;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A planner that restores its snapshots of the hosts and replays host.events only from their offsets
 * rebuilds the same state as one replaying everything from offset 0, also with a deployment active
 * across the restart and with history written after the snapshot; and a snapshot that was written
 * but never committed (a planner killed before its commit) is never read.
 */
class SnapshotReplayIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** One good probe passes a gate. */
    private static final Policy POLICY = new Policy(0.1, 500L, 5_000L, 10, 200L, 1, 0L, 120_000L);
    private static final List<String> HOSTS = List.of("host-1", "host-2");

    private EmbeddedKafkaBroker broker;
    private Map<String, Object> kafka;
    private KafkaProducer<byte[], byte[]> producer;
    private PlannerService planner;

    @BeforeEach
    void start() {
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        TopicSetup.createTopics(kafka, 1, (short) 1);
        producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void stop() {
        if (planner != null) {
            planner.close();
        }
        producer.close();
        broker.close();
    }

    @Test
    void shouldRebuildFromSnapshotsTheStateAFullReplayRebuilds() {
        HOSTS.forEach(h -> send(Topics.HOST_EVENTS, h, new HostEvent.Announced(id(), 1, h, "process", Instant.now())));
        heartbeats(200);
        planner = PlannerService.start(config());
        succeed("web-1", "v2");
        startAndLeaveGating("web-2", "v3", "host-1");
        heartbeats(50);
        await().atMost(TIMEOUT).until(() -> snapshotsReplayFrom() > 0);
        planner.close();
        planner = null;
        heartbeats(20); // history after the last snapshot
        send(Topics.HOST_EVENTS, "host-3", new HostEvent.Announced(id(), 1, "host-3", "docker", Instant.now()));

        Planner fromSnapshots = new Planner(RunAllowList.ANYTHING, false);
        Replay.Rebuilt fast = Replay.rebuild(kafka, fromSnapshots, TIMEOUT, new SnapshotStore(Topics.PLANNER_SNAPSHOTS));
        Planner fromZero = new Planner(RunAllowList.ANYTHING, false);
        Replay.Rebuilt full = Replay.rebuild(kafka, fromZero, TIMEOUT, null);

        assertSameState(fromZero, fromSnapshots);
        assertEquals(2, fast.hostsRestored());
        assertTrue(fast.hostEvents() < full.hostEvents() / 2, fast + " reads host.events from the snapshot's offsets, "
                + full + " from 0");
        assertEquals(Phase.ROLLING, fromSnapshots.deployment("web-2").orElseThrow().phase());
        assertTrue(fromSnapshots.deployment("web-2").orElseThrow().gates().get("host-1").isInstanceStarted(),
                "the active deployment's host answers are read again");
    }

    @Test
    void shouldNeverReadASnapshotWhoseTransactionDidNotCommit() throws Exception {
        HOSTS.forEach(h -> send(Topics.HOST_EVENTS, h, new HostEvent.Announced(id(), 1, h, "process", Instant.now())));
        heartbeats(100);
        planner = PlannerService.start(config());
        succeed("web-1", "v2");
        await().atMost(TIMEOUT).until(() -> snapshotsReplayFrom() > 0);
        planner.close();
        planner = null;
        int commandsBefore = count(Topics.HOST_COMMANDS.name());
        int eventsBefore = count(Topics.DEPLOY_EVENTS.name());

        // A planner killed after writing a snapshot round and before committing it: the round says host-1 runs
        // docker and nothing needs replaying.
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config().transactionalId());
        KafkaProducer<byte[], byte[]> killed = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        killed.initTransactions();
        killed.beginTransaction();
        HostSnapshot ghost = new HostSnapshot(1, new Fleet.HostState("host-1", "docker", Map.of(), null, List.of()),
                List.of(new HostSnapshot.PartitionOffset(0, 1_000_000)), Instant.now());
        killed.send(new ProducerRecord<>(Topics.PLANNER_SNAPSHOTS, "host-1".getBytes(StandardCharsets.UTF_8),
                JsonSerde.of(HostSnapshot.class).serialize(Topics.PLANNER_SNAPSHOTS, ghost))).get();
        killed.flush();

        planner = PlannerService.start(config()); // fences the killed producer, aborting its transaction
        killed.close(Duration.ZERO);

        Planner fromSnapshots = new Planner(RunAllowList.ANYTHING, false);
        Replay.rebuild(kafka, fromSnapshots, TIMEOUT, new SnapshotStore(Topics.PLANNER_SNAPSHOTS));
        Planner fromZero = new Planner(RunAllowList.ANYTHING, false);
        Replay.rebuild(kafka, fromZero, TIMEOUT, null);
        assertEquals("process", fromSnapshots.fleet().driverOf("host-1"));
        assertSameState(fromZero, fromSnapshots);
        await().during(Duration.ofSeconds(2)).atMost(TIMEOUT).until(() -> count(Topics.HOST_COMMANDS.name()) == commandsBefore
                && count(Topics.DEPLOY_EVENTS.name()) == eventsBefore);
    }

    private void assertSameState(Planner expected, Planner actual) {
        PlannerView want = PlannerView.of(expected);
        PlannerView got = PlannerView.of(actual);
        assertEquals(want.deployments(), got.deployments());
        assertEquals(want.list(null), got.list(null));
        assertEquals(want.hosts(), got.hosts());
        assertEquals(want.knownHosts(), got.knownHosts());
        assertEquals(want.activeByService(), got.activeByService());
        assertEquals(want.revisions(), got.revisions());
        assertFalse(want.deployments().isEmpty());
    }

    private PlannerConfig config() {
        return PlannerConfig.defaults(kafka).withHttpPort(0).withAllowList(RunAllowList.ANYTHING)
                .withSnapshots(Topics.PLANNER_SNAPSHOTS, Duration.ofMillis(100));
    }

    /** Runs deployment {@code id} of web to success on every host. */
    private void succeed(String id, String version) {
        request(id, version, HOSTS);
        HOSTS.forEach(host -> started(id, version, host));
        // As a prober does: a summary again and again (the gate takes none before it saw the instance start).
        await().atMost(TIMEOUT).until(() -> {
            HOSTS.forEach(host -> healthy(version, host));
            return phaseInTopic(id) == Phase.SUCCEEDED;
        });
    }

    private void startAndLeaveGating(String id, String version, String host) {
        request(id, version, List.of(host));
        started(id, version, host);
    }

    private void request(String id, String version, List<String> hosts) {
        send(Topics.DEPLOY_REQUESTS, "web", new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, id, "web", version,
                RunSpec.process(List.of("web"), Map.of()), hosts, hosts.size(), POLICY, "test", Instant.now()));
        await().atMost(TIMEOUT).until(() -> phaseInTopic(id) == Phase.ROLLING);
    }

    private void started(String id, String version, String host) {
        send(Topics.HOST_EVENTS, host, new HostEvent.Started(id(), 1, host, id(), id, "web", version,
                new Instance(host + "/web/" + version, "http://h", "http://h/health"), Instant.now()));
    }

    private void healthy(String version, String host) {
        Instant now = Instant.now();
        send(Topics.INSTANCE_HEALTH, "web", new InstanceHealth(id(), 1, "web", version, host, host + "/web/" + version, 1,
                now, now, true, id()));
    }

    private void heartbeats(int perHost) {
        for (int i = 0; i < perHost; i++) {
            for (String host : HOSTS) {
                send(Topics.HOST_EVENTS, host, new HostEvent.Heartbeat(id(), 1, host, "executor-1", 60_000, Instant.now()));
            }
        }
        producer.flush();
    }

    /** The phase of a deployment as a replay of deploy.events gives it. */
    private Phase phaseInTopic(String deploymentId) {
        Planner replayed = new Planner(RunAllowList.ANYTHING, false);
        Replay.rebuild(kafka, replayed, TIMEOUT, null);
        return replayed.deployment(deploymentId).map(d -> d.phase()).orElse(null);
    }

    /** The lowest offset the committed snapshots replay host.events from; -1 without snapshots. */
    private long snapshotsReplayFrom() {
        return new SnapshotStore(Topics.PLANNER_SNAPSHOTS).load(kafka, TIMEOUT).replayFrom().values().stream()
                .mapToLong(Long::longValue).min().orElse(-1);
    }

    private int count(String topic) {
        AtomicInteger n = new AtomicInteger();
        TopicReplay.readToEnd(kafka, List.of(topic), TIMEOUT, r -> n.incrementAndGet());
        return n.get();
    }

    private <V extends KanaryEvent> void send(Topic<String, V> topic, String key, V event) {
        byte[] value = topic.valueSerde().serializer().serialize(topic.name(), event);
        producer.send(new ProducerRecord<>(topic.name(), null, key.getBytes(StandardCharsets.UTF_8), value,
                CloudEvents.headers(event, "/test", null)));
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
