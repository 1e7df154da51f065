package io.kanary.cli;

import io.kanary.kafka.KafkaSettings;
import java.util.Map;
import picocli.CommandLine.Option;

/** The --bootstrap-server option shared by the verbs that read Kafka directly. */
public final class KafkaOption {
    @Option(names = "--bootstrap-server", defaultValue = "${KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka to read (env KAFKA_BOOTSTRAP_SERVERS; default: ${DEFAULT-VALUE}, where 'kanary up' puts its broker).")
    String bootstrapServers;

    public Map<String, Object> clientProps() {
        Map<String, Object> props = KafkaSettings.fromEnv(System.getenv());
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }
}
