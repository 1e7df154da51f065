package io.kanary.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detector refuses to start on inputs that are not co-partitioned, and says which to widen. */
class DetectorInputPartitionsIT {

    @Test
    void shouldRefuseToStartWhenDeployEventsHasFewerPartitionsThanTheProbes(@TempDir Path stateDir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Map<String, Object> kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
            try (Admin admin = Admin.create(kafka)) {
                admin.createTopics(List.of(new NewTopic(Topics.HEALTH_PROBES.name(), 3, (short) 1),
                        new NewTopic(Topics.TRAFFIC_SAMPLES.name(), 3, (short) 1),
                        new NewTopic(Topics.DEPLOY_EVENTS.name(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            DetectorConfig config = DetectorConfig.defaults(kafka).withApplicationId("partitions-it").withStateDir(stateDir);

            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> BreachDetector.start(config));
            assertEquals("The breach-detector judges a service's probes, traffic and deployments in one task, so their "
                    + "topics need the same number of partitions, but they have {deploy.events=1, health.probes=3, "
                    + "traffic.samples=3}; add partitions to the smaller ones (kafka-topics.sh --alter --partitions) "
                    + "before starting it.", refused.getMessage());
        }
    }
}
