package io.kanary.bench.planner;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.planner.state.Emission;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A planner's history written to a broker: deployments run to success by the planner's own state
 * machine (so deploy.events holds exactly what a planner writes, and host.events the answers an
 * executor gives), then heartbeats of every host until the history has the events asked for — what
 * grows without end in a running installation.
 */
final class PlannerHistory {
    static final List<String> HOSTS = List.of("host-00", "host-01", "host-02", "host-03", "host-04", "host-05", "host-06",
            "host-07", "host-08", "host-09");
    private static final int SERVICES = 50;
    /** One good probe passes a gate: the history is about what is recorded, not about waiting. */
    private static final Policy POLICY = new Policy(0.1, 500L, 5_000L, 10, 200L, 1, 0L, 120_000L);

    /** @param planner the state machine that wrote the history: what a replay must rebuild */
    record Seeded(Planner planner, int deploymentEvents, int hostEvents) {
    }

    private PlannerHistory() {
    }

    static Seeded write(Map<String, Object> kafka, int deployments, int history) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        Planner planner = new Planner(RunAllowList.ANYTHING, false);
        int[] counts = {0, 0};
        Instant start = Instant.now().minusSeconds(24 * 3600);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String host : HOSTS) {
                HostEvent.Announced announced = new HostEvent.Announced(id(), 1, host, "process", start);
                planner.observe(announced);
                counts[1] += send(producer, Topics.HOST_EVENTS, host, announced);
            }
            for (int i = 0; i < deployments; i++) {
                Instant at = start.plusSeconds(i * 10L);
                String service = "svc-" + (i % SERVICES);
                String version = "v" + (i / SERVICES + 1);
                List<String> hosts = List.of(HOSTS.get(i % HOSTS.size()), HOSTS.get((i + 1) % HOSTS.size()));
                String deploymentId = service + "-" + i;
                DeployRequest request = new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, deploymentId, service, version,
                        RunSpec.process(List.of("app", "--port", "{port}"), Map.of()), hosts, 2, POLICY, "bench", at);
                counts[0] += publish(producer, planner.onRequest(request, at).emissions());
                for (String host : hosts) {
                    HostEvent.Started started = new HostEvent.Started(id(), 1, host, id(), deploymentId, service, version,
                            new Instance(host + "/" + service + "/" + version, "http://127.0.0.1:1", "http://127.0.0.1:1/health"),
                            at.plusSeconds(1));
                    counts[0] += publish(producer, planner.onHostEvent(started, at.plusSeconds(1)));
                    counts[1] += send(producer, Topics.HOST_EVENTS, host, started);
                }
                for (String host : hosts) {
                    InstanceHealth healthy = new InstanceHealth(id(), 1, service, version, host,
                            host + "/" + service + "/" + version, 1, at.plusSeconds(2), at.plusSeconds(2), true, id());
                    counts[0] += publish(producer, planner.onInstanceHealth(healthy, at.plusSeconds(2)));
                }
            }
            int heartbeats = Math.max(0, history - counts[0] - counts[1]);
            for (int i = 0; i < heartbeats; i++) {
                String host = HOSTS.get(i % HOSTS.size());
                counts[1] += send(producer, Topics.HOST_EVENTS, host,
                        new HostEvent.Heartbeat(id(), 1, host, "executor-1", 2_000, Instant.now()));
            }
            producer.flush();
        }
        return new Seeded(planner, counts[0], counts[1]);
    }

    /** Writes the deployment events among {@code emissions} (host commands are not replayed: no executor reads them here). */
    private static int publish(KafkaProducer<byte[], byte[]> producer, List<Emission> emissions) {
        List<Emission> events = new ArrayList<>();
        emissions.stream().filter(e -> e.topic() == Topics.DEPLOY_EVENTS).forEach(events::add);
        for (Emission e : events) {
            @SuppressWarnings("unchecked")
            Topic<String, KanaryEvent> topic = (Topic<String, KanaryEvent>) e.topic();
            byte[] value = topic.valueSerde().serializer().serialize(topic.name(), e.event());
            producer.send(new ProducerRecord<>(topic.name(), null, e.key().getBytes(StandardCharsets.UTF_8), value,
                    CloudEvents.headers(e.event(), Planner.SOURCE, e.causationId())));
        }
        return events.size();
    }

    static <V extends KanaryEvent> int send(KafkaProducer<byte[], byte[]> producer, Topic<String, V> topic, String key, V event) {
        byte[] value = topic.valueSerde().serializer().serialize(topic.name(), event);
        producer.send(new ProducerRecord<>(topic.name(), null, key.getBytes(StandardCharsets.UTF_8), value,
                CloudEvents.headers(event, "/bench", null)));
        return 1;
    }

    static String id() {
        return UUID.randomUUID().toString();
    }
}
