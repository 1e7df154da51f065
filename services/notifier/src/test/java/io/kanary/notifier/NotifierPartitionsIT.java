package io.kanary.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.TopicPartitions;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.testkit.BrokerWithTopics;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The notifier on a deploy.events of six partitions: events of services on every partition reach the webhook. */
class NotifierPartitionsIT {
    private static final int PARTITIONS = 6;

    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics(new TopicPartitions(PARTITIONS));

    @Test
    void shouldDeliverTheEventsOfEveryPartition() throws Exception {
        List<String> services = IntStream.range(0, 12).mapToObj(i -> "svc-" + i).toList();
        Set<Integer> partitions = services.stream().map(NotifierPartitionsIT::partition).collect(Collectors.toSet());
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), partitions);
        try (TestReceiver receiver = TestReceiver.always(200);
             Notifier notifier = Notifier.start(NotifierConfig.defaults(broker.kafka())
                     .withWebhooks(List.of(receiver.url("/hook")), WebhookFormat.CLOUDEVENTS));
             KafkaProducer<String, DeploymentEvent> producer = new KafkaProducer<>(broker.kafka(),
                     Topics.DEPLOY_EVENTS.keySerde().serializer(), Topics.DEPLOY_EVENTS.valueSerde().serializer())) {
            for (String service : services) {
                producer.send(CloudEvents.record(Topics.DEPLOY_EVENTS, service, new DeploymentEvent.RolledBack(
                        "rolled-back-" + service, 1, "d-" + service, service, List.of("host-1"),
                        Events.DETECTED), "/kanary/planner", null)).get();
            }

            Set<String> expected = services.stream().map(s -> "rolled-back-" + s).collect(Collectors.toCollection(TreeSet::new));
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests().stream().map(r -> r.header("ce-id"))
                    .collect(Collectors.toCollection(TreeSet::new)), expected::equals);
        }
    }

    private static int partition(String service) {
        return Utils.toPositive(Utils.murmur2(service.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % PARTITIONS;
    }
}
