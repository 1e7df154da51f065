package io.kanary.bench.broker;

import io.kanary.bench.BenchArgsTest;

/** The broker benchmarks' flags, for {@link BenchArgsTest} in another package. */
public final class BenchFlagsOfBroker {
    private BenchFlagsOfBroker() {
    }

    public static BenchArgsTest.Outcome brokerScenarioCheck(String[] args) {
        return BenchArgsTest.parse(new BrokerScenarioCheck.Flags(), BrokerScenarioCheck.Flags::options, args);
    }

    public static BenchArgsTest.Outcome brokerLatencyBench(String[] args) {
        return BenchArgsTest.parse(new BrokerLatencyBench.Flags(), BrokerLatencyBench.Flags::options, args);
    }
}
