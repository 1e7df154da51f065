package io.kanary.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunStatsTest {

    @Test
    void shouldBoundZeroOutOfNByAboutTheRuleOfThree() {
        assertEquals(1 - Math.pow(0.05, 1.0 / 1000), RunStats.upper95(0, 1000), 1e-6);
        assertEquals(3.0 / 1000, RunStats.upper95(0, 1000), 0.0001);
    }

    @Test
    void shouldMatchTheClopperPearsonUpperBoundForSomeFailures() {
        // One-sided 95% upper bounds: the Beta(k + 1, n - k) 0.95-quantile (R: qbeta(0.95, 6, 95), qbeta(0.95, 4, 17)).
        assertEquals(0.1022533776, RunStats.upper95(5, 100), 1e-8);
        assertEquals(0.3436638043, RunStats.upper95(3, 20), 1e-8);
        assertEquals(1.0, RunStats.upper95(20, 20), "every run: nothing bounds it below 1");
    }

    @Test
    void shouldRefuseCountsThatAreNoCountsOfRuns() {
        assertThrows(IllegalArgumentException.class, () -> RunStats.upper95(0, 0));
        assertThrows(IllegalArgumentException.class, () -> RunStats.upper95(21, 20));
    }

    @Test
    void shouldCountRunsThatNeverFiredAsSlowerThanAny() {
        assertEquals(2_000L, RunStats.quantile(Arrays.asList(1_000L, 2_000L, 3_000L, null), 0.5));
        assertNull(RunStats.quantile(Arrays.asList(1_000L, null, null), 0.99));
        assertEquals(1_000L, RunStats.quantile(Arrays.asList(null, 3_000L, 1_000L), 0.01), "the smallest, whatever the order");
        assertNull(RunStats.quantile(List.of(), 0.5));
        assertNull(RunStats.quantile(Arrays.asList(null, null), 0.5), "never, when no run fired");
        assertEquals(1_000L, RunStats.quantile(Arrays.asList(null, 1_000L), 0.5));
        assertNull(RunStats.quantile(Arrays.asList(null, 1_000L), 0.51));
    }

    @Test
    void shouldReadPromtoolsDurations() {
        assertEquals(150_000, PromtoolJudge.millis("2m30s"));
        assertEquals(3_725_500, PromtoolJudge.millis("1h2m5s500ms"));
    }
}
