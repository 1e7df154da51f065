package io.kanary.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthWatcherConfigTest {

    @Test
    void shouldProbeOnOneLoopPerProcessorAndShedAtTheDefaultBoundsUnlessTold() {
        HealthWatcherConfig config = HealthWatcherConfig.fromEnv(Map.of());

        assertEquals(Runtime.getRuntime().availableProcessors(), config.probeLoops());
        assertEquals(5_000, config.maxInFlightPerLoop());
        assertEquals(Duration.ofMillis(500), config.maxProbeLateness());
    }

    @Test
    void shouldReadTheLoopsAndTheSheddingBoundsFromTheEnvironment() {
        HealthWatcherConfig config = HealthWatcherConfig.fromEnv(Map.of("HEALTH_PROBE_LOOPS", "3",
                "HEALTH_MAX_IN_FLIGHT_PER_LOOP", "40", "HEALTH_MAX_PROBE_LATENESS_MS", "500"));

        assertEquals(3, config.probeLoops());
        assertEquals(40, config.maxInFlightPerLoop());
        assertEquals(Duration.ofMillis(500), config.maxProbeLateness());
    }

    @Test
    void shouldKeepTheLoopsAndBoundsWhenTheRegistryChanges() {
        HealthWatcherConfig config = HealthWatcherConfig.defaults(Map.of("bootstrap.servers", "k:9092"))
                .withProbeLoops(4).withShedding(7, Duration.ofMillis(300))
                .withMeterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());

        assertEquals(4, config.probeLoops());
        assertEquals(7, config.maxInFlightPerLoop());
        assertEquals(Duration.ofMillis(300), config.maxProbeLateness());
    }

    @Test
    void shouldRefuseANegativeLoopCountWithTheFix() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> HealthWatcherConfig.defaults(Map.of("bootstrap.servers", "k:9092")).withProbeLoops(-1));

        assertTrue(refused.getMessage().contains("probeLoops"), refused.getMessage());
    }
}
