package io.kanary.detector.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BaselineRateTest {
    @Test
    void shouldCountTheUsualRateGenerouslyAtTheWilsonUpperBound() {
        assertEquals(0.025876761114514896, BaselineRate.wilsonUpper(1, 100, 1.0), 1e-15);
        assertEquals(0.047619047619047616, BaselineRate.wilsonUpper(0, 20, 1.0), 1e-15, "no failure is not a 0% rate");
        assertEquals(1.0, BaselineRate.wilsonUpper(0, 0, 1.0), "no probes: anything is possible");
    }

    @Test
    void shouldShrinkTheSameSecondsRateTowardsTheUsualOneByTwentyProbes() {
        assertEquals((3 + 20 * 0.01) / 30, BaselineRate.shrunk(3, 10, 0.01), 1e-15);
        assertEquals(0.02, BaselineRate.shrunk(0, 0, 0.02), 1e-15, "no probes of the same seconds: the usual rate");
        assertEquals(0.05, BaselineRate.shrunk(2, 20, Double.NaN), 1e-15, "no history: towards 0");
    }

    @Test
    void shouldHoldToTheUsualRateUnlessTheSameSecondsWereWorse() {
        // 15 failures in 1,500 probes of history: the generous usual rate, 1.29%.
        assertEquals(0.012915304360789534, BaselineRate.heldTo(15, 1_500, 0, 10), 1e-15);
        // 2 of the same seconds' 10 probes failed: (2 + 20 × 1%) / 30 = 7.33% is the worse.
        assertEquals(0.07333333333333333, BaselineRate.heldTo(15, 1_500, 2, 10), 1e-15);
    }
}
