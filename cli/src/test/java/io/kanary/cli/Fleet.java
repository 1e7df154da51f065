package io.kanary.cli;

import static io.kanary.testkit.DemoAppHealth.healthVersion;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.cli.demo.DemoScenario;
import io.kanary.kafka.Json;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.testkit.RawTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the demo fleet runs, read from host.events and checked over real HTTP. */
final class Fleet {
    private Fleet() {
    }

    /** Probes each host's current instance: it must answer 200 with {@code version}. */
    static void assertEveryHostAnswers(Map<String, Object> kafka, List<String> hosts, String version) {
        // Bounds a hang: a loaded machine may need long for a freshly started JVM to answer.
        await().atMost(Duration.ofMinutes(2)).ignoreExceptions().untilAsserted(() -> {
            Map<String, Instance> instances = currentInstances(kafka);
            assertEquals(Set.copyOf(hosts), instances.keySet());
            for (Map.Entry<String, Instance> e : instances.entrySet()) {
                assertEquals(version, healthVersion(e.getValue()), e.getKey());
            }
        });
    }

    /** host → its running instance of the demo service, from host.events replayed. */
    static Map<String, Instance> currentInstances(Map<String, Object> kafka) {
        Map<String, Instance> instances = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : RawTopics.readToEnd(kafka, Topics.HOST_EVENTS.name())) {
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
        return instances;
    }
}
