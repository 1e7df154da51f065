package io.kanary.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embedded broker's SASL_SSL listener: SCRAM users over TLS with a certificate made at start. */
class SecuredBrokerIT {
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.startSecured(BrokerSecurity.scram(Map.of("alice", "alice-secret", "bob", "b\"ob\\pw")));
        TopicSetup.createTopics(broker.clientProps("alice"), 1, (short) 1);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldServeScramUsersOverTlsAndRefuseAWrongPassword() throws Exception {
        Map<String, Object> alice = broker.clientProps("alice");
        assertEquals("SASL_SSL", alice.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG));
        RecordMetadata written = send(alice, Topics.BREACHES.name()).get(60, TimeUnit.SECONDS);
        assertEquals(Topics.BREACHES.name(), written.topic());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                broker.certificate().keyStore().resolveSibling("stores.password"))));

        Map<String, Object> wrong = KafkaSettings.saslSsl(broker.bootstrapServers(), "alice", "guess",
                broker.certificate().trustStore(), broker.certificate().password(), SelfSignedCertificate.STORE_TYPE);
        try (Admin admin = Admin.create(wrong)) {
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> admin.listTopics().names().get(60, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, refused.getCause());
        }

        // A client that does not speak TLS gets nowhere.
        Map<String, Object> plaintext = new HashMap<>(KafkaSettings.bootstrap(broker.bootstrapServers()));
        plaintext.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        plaintext.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        try (Admin admin = Admin.create(plaintext)) {
            assertThrows(ExecutionException.class, () -> admin.listTopics().names().get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldReadClientSettingsFromTheEnvironment() throws Exception {
        Map<String, Object> fromEnv = KafkaSettings.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_USERNAME", "bob",
                "KAFKA_SASL_PASSWORD", "b\"ob\\pw",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", broker.certificate().trustStore().toString(),
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", broker.certificate().password(),
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12"));
        assertTrue(!fromEnv.containsKey("sasl.username") && !fromEnv.containsKey("sasl.password"), fromEnv.toString());
        assertEquals(Topics.DEPLOY_EVENTS.name(), send(fromEnv, Topics.DEPLOY_EVENTS.name()).get(60, TimeUnit.SECONDS).topic());
    }

    private static java.util.concurrent.Future<RecordMetadata> send(Map<String, Object> client, String topic) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            java.util.concurrent.Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(topic, "k", "v"));
            producer.flush();
            return sent;
        }
    }
}
