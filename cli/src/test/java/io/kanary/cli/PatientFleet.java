package io.kanary.cli;

import static io.kanary.testkit.DemoAppHealth.healthVersion;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What the fleet runs, checked over real HTTP with patience for a busy machine: a slow answer is retried, not a failure. */
final class PatientFleet {
    private PatientFleet() {
    }

    /** Each host's current instance (from host.events) answers 200 with {@code version}. */
    static void assertEveryHostAnswers(Map<String, Object> kafka, List<String> hosts, String version) {
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
            Map<String, Instance> instances = Fleet.currentInstances(kafka);
            assertEquals(hosts, List.copyOf(instances.keySet()));
            for (Map.Entry<String, Instance> e : instances.entrySet()) {
                assertEquals(version, healthVersion(e.getValue()), e.getKey());
            }
        });
    }
}
