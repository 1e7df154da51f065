package io.kanary.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kanary.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** kanary's ACLs on a broker that enforces them (StandardAuthorizer): only the planner writes host.commands. */
class KanaryAclsIT {

    @Test
    void shouldLetOnlyThePlannerWriteHostCommands() throws Exception {
        BrokerSecurity security = BrokerSecurity.scramWithAcls(Map.of("admin", "admin-pw", "kanary-planner", "planner-pw",
                "kanary-executor", "executor-pw", "kanary-health-watcher", "watcher-pw"), Set.of("admin"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSecured(security)) {
            TopicSetup.createTopics(broker.clientProps("admin"), 1, (short) 1);
            KanaryAcls.DEFAULT_PRINCIPALS.apply(broker.clientProps("admin"));

            // The broker applies ACLs from its metadata log a moment after they are created: wait until
            // the planner's write is allowed, then check that the others' stays refused.
            RecordMetadata accepted = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
                    () -> send(broker.clientProps("kanary-planner"), Topics.HOST_COMMANDS.name()).get(60, TimeUnit.SECONDS),
                    metadata -> metadata != null);
            assertEquals(Topics.HOST_COMMANDS.name(), accepted.topic());

            for (String other : new String[] {"kanary-executor", "kanary-health-watcher"}) {
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> send(broker.clientProps(other), Topics.HOST_COMMANDS.name()).get(60, TimeUnit.SECONDS), other);
                assertInstanceOf(TopicAuthorizationException.class, refused.getCause(), other);
            }
            // The executor still writes what it must.
            assertEquals(0, send(broker.clientProps("kanary-executor"), Topics.HOST_EVENTS.name()).get(60, TimeUnit.SECONDS).offset());
        }
    }

    private static java.util.concurrent.Future<RecordMetadata> send(Map<String, Object> client, String topic) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            java.util.concurrent.Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(topic,
                    "host-1".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
            return sent;
        }
    }
}
