package io.kanary.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RunStatsTest {

    @Test
    void shouldBoundZeroOutOfNByAboutTheRuleOfThree() {
        assertEquals(1 - Math.pow(0.05, 1.0 / 1000), RunStats.upper95(0, 1000), 1e-6);
        assertEquals(3.0 / 1000, RunStats.upper95(0, 1000), 0.0001);
    }

    @Test
    void shouldMatchTheClopperPearsonUpperBoundForSomeFailures() {
        // One-sided 95% upper bound for 5 of 100: the Beta(6, 95) 0.95-quantile, 0.1023 (R: qbeta(0.95, 6, 95)).
        assertEquals(0.1023, RunStats.upper95(5, 100), 0.0005);
    }

    @Test
    void shouldCountRunsThatNeverFiredAsSlowerThanAny() {
        assertEquals(2_000L, RunStats.quantile(Arrays.asList(1_000L, 2_000L, 3_000L, null), 0.5));
        assertNull(RunStats.quantile(Arrays.asList(1_000L, null, null), 0.99));
    }

    @Test
    void shouldReadPromtoolsDurations() {
        assertEquals(150_000, PromtoolJudge.millis("2m30s"));
        assertEquals(3_725_500, PromtoolJudge.millis("1h2m5s500ms"));
    }
}
