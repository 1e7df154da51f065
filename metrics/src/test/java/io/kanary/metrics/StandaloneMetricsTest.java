package io.kanary.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StandaloneMetricsTest {
    @Test
    void shouldTakeAFreePortWhenNoneIsSetAndTheGivenOneOtherwise() {
        assertEquals(0, StandaloneMetrics.port(Map.of()));
        assertEquals(0, StandaloneMetrics.port(Map.of("KANARY_METRICS_PORT", " ")));
        assertEquals(9465, StandaloneMetrics.port(Map.of("KANARY_METRICS_PORT", "9465")));
    }

    @Test
    void shouldRefuseAPortThatIsNotOneWithASentenceNamingTheVariable() {
        for (String bad : new String[] {"http", "-1", "70000"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StandaloneMetrics.port(Map.of("KANARY_METRICS_PORT", bad)));
            assertTrue(e.getMessage().startsWith("KANARY_METRICS_PORT is '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void shouldCloseTheServiceWhenMetricsCannotBeServed() {
        AtomicBoolean closed = new AtomicBoolean();
        try (ProcessMetrics metrics = ProcessMetrics.start();
             MetricsServer taken = MetricsServer.start(metrics.registry(), "127.0.0.1", 0)) {
            assertThrows(IllegalStateException.class, () -> StandaloneMetrics.serve("test", () -> closed.set(true), metrics,
                    Map.of("KANARY_METRICS_PORT", Integer.toString(taken.port()))));
        }
        assertTrue(closed.get(), "the service started for nothing is stopped");
    }
}
