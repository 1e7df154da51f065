package io.kanary.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSettingsTest {
    @Test
    void shouldTurnAUsernameAndPasswordIntoAScramJaasLine() {
        Map<String, Object> props = KafkaSettings.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:9093",
                "KAFKA_SASL_USERNAME", "kanary-planner", "KAFKA_SASL_PASSWORD", "p\"w\\d",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kanary/ts.p12"));
        assertEquals("SASL_SSL", props.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"kanary-planner\" "
                + "password=\"p\\\"w\\\\d\";", props.get("sasl.jaas.config"));
        assertEquals("/etc/kanary/ts.p12", props.get("ssl.truststore.location"));
        assertFalse(props.containsKey("sasl.username") || props.containsKey("sasl.password"), props.toString());
        // Kafka's own parser reads the password back as it was given.
        var entry = JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password((String) props.get("sasl.jaas.config"))))
                .configurationEntries().get(0);
        assertEquals("p\"w\\d", entry.getOptions().get("password"));
    }

    @Test
    void shouldReadThePasswordFromAFileAndNameWhatIsMissing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "from-file\n");
        Map<String, Object> props = KafkaSettings.fromEnv(Map.of("KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD_FILE",
                file.toString(), "KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"));
        assertTrue(((String) props.get("sasl.jaas.config")).startsWith("org.apache.kafka.common.security.plain.PlainLoginModule"));
        assertTrue(((String) props.get("sasl.jaas.config")).contains("password=\"from-file\""));
        assertEquals("SASL_PLAINTEXT", props.get("security.protocol"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KafkaSettings.fromEnv(Map.of("KAFKA_SASL_USERNAME", "u")))
                .getMessage().contains("neither KAFKA_SASL_PASSWORD nor KAFKA_SASL_PASSWORD_FILE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KafkaSettings.fromEnv(Map.of("KAFKA_SASL_PASSWORD", "p")))
                .getMessage().contains("KAFKA_SASL_USERNAME is not"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KafkaSettings.fromEnv(Map.of("KAFKA_SASL_USERNAME", "u",
                "KAFKA_SASL_PASSWORD", "p", "KAFKA_SASL_MECHANISM", "GSSAPI"))).getMessage().contains("KAFKA_SASL_JAAS_CONFIG"));
        assertEquals(Map.of("bootstrap.servers", "localhost:9092"), KafkaSettings.fromEnv(Map.of()));
    }
}
