package io.kanary.kafka;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Kafka client properties from the environment: {@code KAFKA_BOOTSTRAP_SERVERS} becomes
 * {@code bootstrap.servers}, {@code KAFKA_SECURITY_PROTOCOL} becomes {@code security.protocol},
 * and so on for any client setting. Each service adds its own settings on top.
 */
public final class KafkaSettings {
    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    private KafkaSettings() {
    }

    public static Map<String, Object> fromEnv(Map<String, String> env) {
        Map<String, Object> props = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && name.length() > "KAFKA_".length()) {
                props.put(name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        props.putIfAbsent(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP);
        return props;
    }

    /** Client properties for a broker at {@code bootstrap}. */
    public static Map<String, Object> bootstrap(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }
}
