package io.kanary.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicPartitionsTest {

    @Test
    void shouldScaleTheProbesTheTrafficAndTheDeploymentsAndKeepEveryOtherTopicWhole() {
        TopicPartitions partitions = new TopicPartitions(6);
        assertEquals(List.of(6, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1),
                List.of("health.probes", "traffic.samples", "deploy.events", "deploy.requests", "host.commands",
                        "host.events", "breaches", "rollback.commands", "judgements", "health.probes.dlq",
                        "notifications.dlq").stream().map(partitions::of).toList());
    }

    @Test
    void shouldDefaultToSixPartitions() {
        assertEquals(6, TopicPartitions.DEFAULT.of(Topics.HEALTH_PROBES.name()));
    }

    @Test
    void shouldRefuseNoPartitionsWithTheSettingToFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TopicPartitions(0));
        assertEquals("a topic needs at least 1 partition, was 0; set --partitions (env KANARY_TOPIC_PARTITIONS) to 1 or more",
                e.getMessage());
    }
}
