package io.kanary.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.kafka.TopicPartitions;
import io.kanary.kafka.Topics;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** Topics created with a partition setting have those partitions on a real broker; existing ones are left alone. */
class TopicPartitionsIT {

    @Test
    void shouldCreateTheScaledTopicsWithTheSettingsPartitionsAndTheOthersWithOne() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
            TopicSetup.createTopics(client, new TopicPartitions(4), (short) 1);
            // A second start with another setting finds them all and changes nothing.
            TopicSetup.createTopics(client, new TopicPartitions(2), (short) 1);
            try (Admin admin = Admin.create(client)) {
                List<String> names = List.of(Topics.HEALTH_PROBES.name(), Topics.TRAFFIC_SAMPLES.name(),
                        Topics.DEPLOY_EVENTS.name(), Topics.HOST_EVENTS.name(), Topics.ROLLBACK_COMMANDS.name(),
                        Topics.HEALTH_PROBES.dlqName());
                Map<String, Integer> partitions = new TreeMap<>();
                admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS)
                        .forEach((name, description) -> partitions.put(name, description.partitions().size()));
                assertEquals(Map.of("health.probes", 4, "traffic.samples", 4, "deploy.events", 4, "host.events", 1,
                        "rollback.commands", 1, "health.probes.dlq", 1), partitions);
            }
        }
    }
}
