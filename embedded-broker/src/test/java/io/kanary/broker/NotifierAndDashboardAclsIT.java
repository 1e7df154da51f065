package io.kanary.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kanary.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The notifier's and the dashboard's ACLs on a broker that enforces them: each reads what it shows or
 * tells about under its own group prefix, the notifier writes only its dead letters, the dashboard nothing.
 */
class NotifierAndDashboardAclsIT {
    private static final String NOTIFICATIONS_DLQ = Topics.NOTIFICATIONS_DLQ;

    @Test
    void shouldLetTheNotifierAndTheDashboardReadTheirTopicsAndWriteOnlyWhatTheyMust() throws Exception {
        BrokerSecurity security = BrokerSecurity.scramWithAcls(Map.of("admin", "admin-pw",
                "kanary-notifier", "notifier-pw", "kanary-dashboard", "dashboard-pw"), Set.of("admin"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSecured(security)) {
            // kanary's topics, the notifier's dead letters among them.
            TopicSetup.createTopics(broker.clientProps("admin"), 1, (short) 1);
            KanaryAcls.DEFAULT_PRINCIPALS.apply(broker.clientProps("admin"));
            send(broker.clientProps("admin"), Topics.BREACHES.name(), "a breach").get(60, TimeUnit.SECONDS);
            send(broker.clientProps("admin"), Topics.HEALTH_PROBES.name(), "a probe").get(60, TimeUnit.SECONDS);

            assertEquals(List.of("a breach"), readAll(broker.clientProps("kanary-notifier"), "kanary-notifier-webhook-1",
                    Topics.BREACHES.name(), 1));
            assertEquals(0, send(broker.clientProps("kanary-notifier"), NOTIFICATIONS_DLQ, "undeliverable")
                    .get(60, TimeUnit.SECONDS).offset());
            assertRefusedWrite(broker.clientProps("kanary-notifier"), Topics.HOST_COMMANDS.name());

            assertEquals(List.of("a probe"), readAll(broker.clientProps("kanary-dashboard"), "kanary-dashboard-live",
                    Topics.HEALTH_PROBES.name(), 1));
            assertRefusedWrite(broker.clientProps("kanary-dashboard"), Topics.DEPLOY_EVENTS.name());
            // Outside its group prefix the dashboard may not consume.
            assertThrows(GroupAuthorizationException.class,
                    () -> readAll(broker.clientProps("kanary-dashboard"), "kanary-planner", Topics.HEALTH_PROBES.name(), 1));
        }
    }

    private static void assertRefusedWrite(Map<String, Object> client, String topic) {
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> send(client, topic, "not allowed").get(60, TimeUnit.SECONDS), topic);
        // Topic authorization, or cluster authorization for a principal that may write nowhere (idempotent producer).
        assertInstanceOf(AuthorizationException.class, refused.getCause(), topic);
    }

    private static List<String> readAll(Map<String, Object> client, String group, String topic, int expected) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= expected;
            });
        }
        return values;
    }

    private static java.util.concurrent.Future<RecordMetadata> send(Map<String, Object> client, String topic, String value) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            java.util.concurrent.Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(topic, "demo", value));
            producer.flush();
            return sent;
        }
    }
}
