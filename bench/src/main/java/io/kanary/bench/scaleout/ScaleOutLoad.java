package io.kanary.bench.scaleout;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The bench's input, written once before any detector runs: a deployment of v2 (baseline v1) for
 * each of {@code services} services, then {@code probes} probes spread evenly over the services,
 * half of each service's probes for v2 (judged), half for v1 (the baseline), one every 100 ms of
 * probe time per version, so that the default 5-minute window fills as the detector goes. Both
 * versions are equally healthy (1% failures, the same latencies): no breach ends the judging early.
 */
final class ScaleOutLoad {
    /** The default policy but for start-up grace, which would excuse the first probes of each instance. */
    static final Policy POLICY = Policy.defaults().withStartupGraceMs(0);
    private static final Duration SPACING = Duration.ofMillis(100);

    private ScaleOutLoad() {
    }

    static List<String> services(int count) {
        return IntStream.range(0, count).mapToObj(i -> "svc-" + i).toList();
    }

    /** Writes the deployments and the probes; returns when every record is acknowledged. */
    static void write(Map<String, Object> kafka, List<String> services, int probes) {
        Instant t0 = Instant.now().minus(Duration.ofHours(1));
        try (KafkaProducer<String, DeploymentEvent> deployments = producer(kafka, Topics.DEPLOY_EVENTS);
             KafkaProducer<String, ProbeResult> results = producer(kafka, Topics.HEALTH_PROBES)) {
            for (String service : services) {
                deployments.send(CloudEvents.record(Topics.DEPLOY_EVENTS, service, new DeploymentEvent.Started(
                        "started-" + service, KanaryEvent.SCHEMA_VERSION, "d-" + service, service, "v2", "v1",
                        Map.of("host-1", "v1"), null, POLICY, List.of(List.of("host-1")), "bench", t0), "/bench", null));
            }
            deployments.flush();
            for (int i = 0; i < probes; i++) {
                String service = services.get(i % services.size());
                int n = i / services.size();
                String version = n % 2 == 0 ? "v2" : "v1";
                int step = n / 2;
                ProbeResult probe = new ProbeResult("p-" + i, KanaryEvent.SCHEMA_VERSION, service, version,
                        "host-" + (step % 3), service + "-" + version + "-" + (step % 3), step % 100 != 7,
                        step % 100 != 7 ? 200 : 503, 20 + (step * 7L) % 30,
                        t0.plus(SPACING.multipliedBy(step + 1)), null);
                results.send(CloudEvents.record(Topics.HEALTH_PROBES, service, probe, "/bench", null));
            }
            results.flush();
        }
    }

    private static <V> KafkaProducer<String, V> producer(Map<String, Object> kafka, Topic<String, V> topic) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }
}
