package io.kanary.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.bench.BenchArgsTest;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioBenchTrafficFlagsTest {
    @Test
    void shouldLeaveTheTrafficRowsOutUnlessAsked() {
        ScenarioBench.Options options = parse().options();

        assertEquals(0, options.traffic().runs());
        assertEquals(false, options.traffic().only());
    }

    @Test
    void shouldRunTheNamedTrafficRowsWithTheirRuns() {
        ScenarioBench.Options options = parse("--traffic-runs", "5", "--traffic-healthy-runs", "7", "--traffic-only",
                "--traffic-scenarios", "traffic-healthy,traffic-sudden-30%", "--fixed-rate").options();

        List<TrafficScenario> rows = options.traffic().selected();
        assertEquals(List.of("traffic-healthy", "traffic-sudden-30%"), rows.stream().map(TrafficScenario::name).toList());
        assertEquals(List.of(7, 5), rows.stream().map(options.traffic()::runsOf).toList());
        assertTrue(rows.stream().noneMatch(TrafficScenario::poisson));
    }

    @Test
    void shouldRefuseAnUnknownTrafficRowNamingTheRowsThereAre() {
        var outcome = BenchFlagsOfScenario.scenarioBench(new String[] {"--traffic-runs", "1", "--traffic-scenarios",
                "traffic-nope"});

        assertEquals(2, outcome.parsed().exitCode());
        assertTrue(outcome.err().contains("no traffic scenario traffic-nope; there are traffic-healthy,"), outcome.err());
    }

    @Test
    void shouldRefuseTrafficOnlyWithoutTrafficRuns() {
        var outcome = BenchFlagsOfScenario.scenarioBench(new String[] {"--traffic-only"});

        assertEquals(2, outcome.parsed().exitCode());
        assertTrue(outcome.err().contains("--traffic-only needs --traffic-runs"), outcome.err());
    }

    private static Parsed parse(String... args) {
        BenchArgsTest.Outcome outcome = BenchFlagsOfScenario.scenarioBench(args);
        assertEquals(0, outcome.parsed().exitCode(), outcome.err());
        return new Parsed((ScenarioBench.Options) outcome.parsed().options());
    }

    private record Parsed(ScenarioBench.Options options) {
    }
}
