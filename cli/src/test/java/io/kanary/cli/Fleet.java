package io.kanary.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.cli.demo.DemoScenario;
import io.kanary.kafka.Json;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the demo fleet runs, read from host.events and checked over real HTTP. */
final class Fleet {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Fleet() {
    }

    /** Probes each host's current instance: it must answer 200 with {@code version}. */
    static void assertEveryHostAnswers(Map<String, Object> kafka, List<String> hosts, String version) {
        // Bounds a hang: a loaded machine may need long for a freshly started JVM to answer.
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
            Map<String, Instance> instances = currentInstances(kafka);
            assertEquals(Set.copyOf(hosts), instances.keySet());
            for (Map.Entry<String, Instance> e : instances.entrySet()) {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(e.getValue().healthUrl()))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), e.getKey());
                assertEquals(version, Json.mapper().readTree(answer.body()).path("version").asText(), e.getKey());
            }
        });
    }

    /** host → its running instance of the demo service, from host.events replayed. */
    static Map<String, Instance> currentInstances(Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "e2e-" + UUID.randomUUID());
        Map<String, Instance> instances = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(Topics.HOST_EVENTS.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    HostEvent event = Topics.HOST_EVENTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
                    if (event instanceof HostEvent.Started s && DemoScenario.SERVICE.equals(s.service())) {
                        instances.put(s.hostId(), s.instance());
                    } else if (event instanceof HostEvent.RolledBack r && DemoScenario.SERVICE.equals(r.service())) {
                        if (r.instance() == null) {
                            instances.remove(r.hostId());
                        } else {
                            instances.put(r.hostId(), r.instance());
                        }
                    }
                }
            }
        }
        return instances;
    }
}
