package io.kanary.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OracleBoundTest {
    @Test
    void shouldFindTheLeastCountRareEnoughUnderTheHealthyRate() {
        // Bin(50, 0.01): P(X >= 4) = 0.0016 > 0.001, P(X >= 5) = 0.00015.
        assertEquals(5, OracleBound.criticalCount(50, 0.01, 0.001));
        assertTrue(OracleBound.upperTail(50, 0.01, 5) <= 0.001);
        assertTrue(OracleBound.upperTail(50, 0.01, 4) > 0.001);
        assertEquals(1.0, OracleBound.upperTail(10, 0.3, 0), 1e-12);
        assertEquals(22, OracleBound.criticalCount(1_000, 0.01, 0.001));
        assertEquals(0.5306414635316575, OracleBound.upperTail(1_000, 0.02, 20), 1e-9);
    }

    @Test
    void shouldBoundSuddenScenariosOnlyAndFasterForLargerSteps() {
        long thirty = OracleBound.p99Millis(Scenarios.named("sudden-30%"), 0.001).orElseThrow();
        long ten = OracleBound.p99Millis(Scenarios.named("sudden-10%"), 0.001).orElseThrow();
        assertEquals(3_000, thirty);
        assertEquals(14_200, ten);
        assertTrue(OracleBound.p99Millis(Scenarios.named("p99-x5"), 0.001).isEmpty(), "not an error-rate step");
        assertTrue(OracleBound.p99Millis(Scenarios.named("flapping-host"), 0.001).isEmpty(), "not a constant rate");
    }

    @Test
    void shouldBoundTrafficRowsAtTheNewVersionsRequestRate() {
        // 300 requests/s over the new version's 3 instances: the same counts as probes, 30 times as fast.
        assertEquals(100, OracleBound.p99Millis(TrafficScenarios.named("traffic-sudden-30%"), 0.001).orElseThrow());
        assertEquals(473, OracleBound.p99Millis(TrafficScenarios.named("traffic-sudden-10%"), 0.001).orElseThrow());
        assertTrue(OracleBound.p99Millis(TrafficScenarios.named("traffic-median-x2"), 0.001).isEmpty());
        assertTrue(OracleBound.p99Millis(TrafficScenarios.named("traffic-healthy"), 0.001).isEmpty());
    }
}
