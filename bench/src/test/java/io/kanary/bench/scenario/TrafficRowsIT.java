package io.kanary.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.bench.prometheus.PrometheusBinaries;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The short form of the traffic rows: three runs of each through the real breach-detector topology
 * and through the Flagger-style analysis evaluated by promtool, side by side on the same streams.
 */
class TrafficRowsIT {
    private static final int RUNS = 3;
    private ExecutorService pool;
    private TrafficRows rows;

    @BeforeEach
    void setUp() {
        pool = Executors.newFixedThreadPool(2);
        rows = new TrafficRows(pool, new FlaggerAnalysis(PrometheusBinaries.require(PrometheusBinaries.PROMTOOL)),
                TrafficDetectorRun.readsTraffic());
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void shouldRollBackASuddenThirtyPercentInEveryColumnAfterTheOnset() throws Exception {
        TrafficOutcomes outcomes = rows.run(row("traffic-sudden-30%", 100), RUNS);

        System.out.println("sudden-30%: " + outcomes);
        assertEquals(Arrays.asList(12_294L, 64_619L, 63_877L), outcomes.flaggerEvery60s());
        assertEquals(Arrays.asList(12_294L, 24_619L, 13_877L), outcomes.flaggerEvery10s());
        assertEquals(RUNS, TrafficOutcomes.rollbacks(outcomes.kanary()));
        assertEquals(0, TrafficOutcomes.early(outcomes.kanary()));
    }

    @Test
    void shouldRollBackASharedDependencyOnlyInTheFlaggerColumns() throws Exception {
        TrafficOutcomes outcomes = rows.run(row("traffic-shared-dependency", 100), RUNS);

        System.out.println("shared-dependency: " + outcomes);
        assertEquals(0, TrafficOutcomes.rollbacks(outcomes.kanary()));
        assertEquals(RUNS, TrafficOutcomes.rollbacks(outcomes.flaggerEvery60s()));
        assertEquals(RUNS, TrafficOutcomes.rollbacks(outcomes.flaggerEvery10s()));
    }

    @Test
    void shouldRollBackNothingInAnyColumnOnHealthyTrafficOrABlip() throws Exception {
        for (String name : List.of("traffic-healthy", "traffic-blip-1s")) {
            TrafficOutcomes outcomes = rows.run(row(name, 60), RUNS);

            assertEquals(Arrays.asList(null, null, null), outcomes.kanary(), name);
            assertEquals(Arrays.asList(null, null, null), outcomes.flaggerEvery60s(), name);
            assertEquals(Arrays.asList(null, null, null), outcomes.flaggerEvery10s(), name);
        }
    }

    @Test
    void shouldNeverRollBackALatencyRegressionOnTheErrorRatio() throws Exception {
        TrafficOutcomes outcomes = rows.run(row("traffic-median-x2", 45), RUNS);

        assertEquals(Arrays.asList(null, null, null), outcomes.flaggerEvery60s());
        assertEquals(Arrays.asList(null, null, null), outcomes.flaggerEvery10s());
        assertTrue(outcomes.kanary().stream().allMatch(t -> t == null || t >= 0), "no rollback before the onset");
    }

    private static TrafficScenario row(String name, long horizonSeconds) {
        return TrafficScenarios.named(name).withHorizon(Duration.ofSeconds(horizonSeconds));
    }
}
