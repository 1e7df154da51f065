package io.kanary.bench.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kanary.bench.BenchArgs;
import io.kanary.bench.scenario.Scenario;
import io.kanary.bench.scenario.Scenarios;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusReplayBenchTest {
    private static final Instant WALL_T0 = Instant.parse("2030-06-01T12:00:00Z");
    private final ReplayRun run = new ReplayRun("sudden-30%/1", Scenarios.named("sudden-30%"), 1, Duration.ZERO,
            Duration.ofSeconds(30), Duration.ofSeconds(330), Map.of());

    @Test
    void shouldTimeAFiringFromTheOnsetsWallClockTime() {
        assertEquals(7_500L, PrometheusReplayBench.sinceOnset(run, WALL_T0,
                Map.of("sudden-30%/1", WALL_T0.plusMillis(37_500))));
        assertEquals(-5_000L, PrometheusReplayBench.sinceOnset(run, WALL_T0,
                Map.of("sudden-30%/1", WALL_T0.plusSeconds(25))), "a firing in the warm-up is early, and false");
    }

    @Test
    void shouldTimeALaggedRunFromItsOwnOnset() {
        ReplayRun lagged = run.withLag(Duration.ofSeconds(6));

        assertEquals(1_500L, PrometheusReplayBench.sinceOnset(lagged, WALL_T0,
                Map.of("sudden-30%/1", WALL_T0.plusMillis(37_500))));
        assertNull(PrometheusReplayBench.sinceOnset(lagged, WALL_T0, Map.of("sudden-30%/1", WALL_T0.plusMillis(336_001))));
    }

    @Test
    void shouldCountNoFiringAfterTheRunsEndOrOfAnotherRun() {
        assertEquals(300_000L, PrometheusReplayBench.sinceOnset(run, WALL_T0, Map.of("sudden-30%/1", WALL_T0.plusSeconds(330))));
        assertNull(PrometheusReplayBench.sinceOnset(run, WALL_T0, Map.of("sudden-30%/1", WALL_T0.plusMillis(330_001))));
        assertNull(PrometheusReplayBench.sinceOnset(run, WALL_T0, Map.of("sudden-30%/10", WALL_T0.plusSeconds(40))));
    }

    @Test
    void shouldCapEachScenariosHorizon() {
        ReplayBenchOptions options = parse("--scenarios", "ramp-1-20%-5m,healthy-20/s", "--seeds", "3",
                "--horizon-seconds", "120");

        assertEquals(List.of(Duration.ofSeconds(120), Duration.ofSeconds(90)),
                options.replayed().stream().map(Scenario::horizon).toList());
        assertEquals(3, options.seeds());
        assertEquals(List.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(10)),
                List.of(options.lagOf(1), options.lagOf(2), options.lagOf(3)), "seeds spread evenly over 15 s");
        assertEquals(Duration.ofSeconds(300), parse().horizonCap());
        assertEquals(Scenarios.all().size(), parse().scenarios().size());
    }

    private static ReplayBenchOptions parse(String... args) {
        BenchArgs.Parsed<ReplayBenchOptions> parsed = BenchArgs.parse(new ReplayBenchOptions.Flags(), args,
                ReplayBenchOptions.Flags::options, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        assertEquals(0, parsed.exitCode());
        return parsed.options();
    }
}
