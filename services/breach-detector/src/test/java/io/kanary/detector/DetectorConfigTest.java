package io.kanary.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.kanary.kafka.KafkaSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DetectorConfigTest {

    @Test
    void shouldRunExactlyOnceTunedForLatencyWithSettingsFromEnv() {
        DetectorConfig config = DetectorConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "BREACH_DETECTOR_STATE_DIR", "/var/lib/kanary", "BREACH_DETECTOR_BUCKET_MS", "500"));
        Properties props = config.streamsProperties();

        assertEquals(List.of("kafka:9092", "kanary-breach-detector", Path.of("/var/lib/kanary").toAbsolutePath().toString(),
                        "exactly_once_v2", 100L, 0L, 0, Duration.ofMillis(500)),
                List.of(props.get("bootstrap.servers"), props.get("application.id"), props.get("state.dir"),
                        props.get("processing.guarantee"), props.get("commit.interval.ms"),
                        props.get("statestore.cache.max.bytes"), props.get("producer.linger.ms"), config.bucketSize()));
    }

    @Test
    void shouldKeepTheMeterRegistryThroughEveryChange() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DetectorConfig config = DetectorConfig.defaults(KafkaSettings.bootstrap("kafka:9092")).withMeterRegistry(registry)
                .withApplicationId("detector-2").withStateDir(Path.of("/var/lib/kanary"));

        assertSame(registry, config.meterRegistry());
    }
}
