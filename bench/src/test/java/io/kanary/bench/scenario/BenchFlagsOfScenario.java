package io.kanary.bench.scenario;

import io.kanary.bench.BenchArgsTest;

/** ScenarioBench's flags, for {@link BenchArgsTest} in another package. */
public final class BenchFlagsOfScenario {
    private BenchFlagsOfScenario() {
    }

    public static BenchArgsTest.Outcome scenarioBench(String[] args) {
        return BenchArgsTest.parse(new ScenarioBench.Flags(), ScenarioBench.Flags::options, args);
    }
}
