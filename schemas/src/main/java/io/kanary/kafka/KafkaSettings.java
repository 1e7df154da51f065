package io.kanary.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * Kafka client properties from the environment: {@code KAFKA_BOOTSTRAP_SERVERS} becomes
 * {@code bootstrap.servers}, {@code KAFKA_SECURITY_PROTOCOL} becomes {@code security.protocol},
 * and so on for any client setting (TLS: {@code KAFKA_SSL_TRUSTSTORE_LOCATION},
 * {@code KAFKA_SSL_TRUSTSTORE_PASSWORD}, {@code KAFKA_SSL_TRUSTSTORE_TYPE}; SASL:
 * {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG}). For SCRAM and PLAIN,
 * {@code KAFKA_SASL_USERNAME} with {@code KAFKA_SASL_PASSWORD} (or {@code KAFKA_SASL_PASSWORD_FILE})
 * stand for the JAAS line. Each service adds its own settings on top.
 */
public final class KafkaSettings {
    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";
    public static final String SCRAM_SHA_512 = "SCRAM-SHA-512";
    private static final String USERNAME = "KAFKA_SASL_USERNAME";
    private static final String PASSWORD = "KAFKA_SASL_PASSWORD";
    private static final String PASSWORD_FILE = "KAFKA_SASL_PASSWORD_FILE";
    /** Our own names: not Kafka settings, so they are not passed through as such. */
    private static final Set<String> CREDENTIAL_NAMES = Set.of(USERNAME, PASSWORD, PASSWORD_FILE);

    private KafkaSettings() {
    }

    public static Map<String, Object> fromEnv(Map<String, String> env) {
        Map<String, Object> props = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && name.length() > "KAFKA_".length() && !CREDENTIAL_NAMES.contains(name)) {
                props.put(name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        props.putIfAbsent(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP);
        String username = env.get(USERNAME);
        if (username != null && !username.isBlank()) {
            if (props.containsKey(SaslConfigs.SASL_JAAS_CONFIG)) {
                throw new IllegalArgumentException("Set either KAFKA_SASL_JAAS_CONFIG or KAFKA_SASL_USERNAME, not both");
            }
            String mechanism = (String) props.computeIfAbsent(SaslConfigs.SASL_MECHANISM, m -> SCRAM_SHA_512);
            props.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(mechanism, username.strip(), password(env)));
            props.putIfAbsent(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        } else if (env.containsKey(PASSWORD) || env.containsKey(PASSWORD_FILE)) {
            throw new IllegalArgumentException("KAFKA_SASL_PASSWORD is set but KAFKA_SASL_USERNAME is not; set both");
        }
        return props;
    }

    /** Client properties for a broker at {@code bootstrap}. */
    public static Map<String, Object> bootstrap(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }

    /**
     * Client properties for a SASL_SSL listener with SCRAM-SHA-512: the broker's certificate is
     * checked against {@code trustStore} (host name included), the user authenticated with its password.
     */
    public static Map<String, Object> saslSsl(String bootstrap, String username, String password, Path trustStore,
                                              String trustStorePassword, String trustStoreType) {
        Map<String, Object> props = bootstrap(bootstrap);
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        props.put(SaslConfigs.SASL_MECHANISM, SCRAM_SHA_512);
        props.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(SCRAM_SHA_512, username, password));
        props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, trustStore.toAbsolutePath().toString());
        props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, trustStorePassword);
        props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, trustStoreType);
        return props;
    }

    /** The JAAS line of a SCRAM or PLAIN login, its values quoted and escaped. */
    public static String jaasConfig(String mechanism, String username, String password) {
        String module;
        if (mechanism.startsWith("SCRAM-")) {
            module = "org.apache.kafka.common.security.scram.ScramLoginModule";
        } else if (mechanism.equals("PLAIN")) {
            module = "org.apache.kafka.common.security.plain.PlainLoginModule";
        } else {
            throw new IllegalArgumentException("KAFKA_SASL_USERNAME works with SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN, not "
                    + mechanism + "; give KAFKA_SASL_JAAS_CONFIG instead");
        }
        return module + " required username=" + quoted(username) + " password=" + quoted(password) + ";";
    }

    private static String password(Map<String, String> env) {
        String file = env.get(PASSWORD_FILE);
        if (file != null && !file.isBlank()) {
            try {
                return Files.readString(Path.of(file.strip()), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("Cannot read KAFKA_SASL_PASSWORD_FILE " + file + ": " + e.getMessage(), e);
            }
        }
        String password = env.get(PASSWORD);
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("KAFKA_SASL_USERNAME is set but neither KAFKA_SASL_PASSWORD nor "
                    + "KAFKA_SASL_PASSWORD_FILE is; set one");
        }
        return password;
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
