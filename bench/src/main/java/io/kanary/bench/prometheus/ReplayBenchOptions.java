package io.kanary.bench.prometheus;

import io.kanary.bench.BenchArgs;
import io.kanary.bench.scenario.Scenario;
import io.kanary.bench.scenario.Scenarios;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How to run {@link PrometheusReplayBench}: which scenarios, seeds 1..N of each, each scenario's
 * horizon capped (all runs replay at once, so the wall time is the warm-up plus the longest
 * horizon), how the seeds' starts are staggered, which Prometheus binary, and how many threads judge
 * the streams with kanary's detector.
 *
 * @param stagger seed s of N starts {@code (s-1)/N × stagger} after the common start, so the runs meet
 *                the servers' scrape and evaluation grid at phases spread evenly over it, as real
 *                onsets would; 0 starts every run at the same instant (one phase for all)
 */
public record ReplayBenchOptions(List<Scenario> scenarios, int seeds, Duration horizonCap, Duration stagger,
                                 String prometheus, int threads) {
    public static final int DEFAULT_SEEDS = 20;
    public static final Duration DEFAULT_HORIZON_CAP = Duration.ofSeconds(300);
    /** The seeds' rule's interval, a multiple of the tuned one's: every phase of both grids. */
    public static final Duration DEFAULT_STAGGER = Duration.ofSeconds(15);

    public ReplayBenchOptions {
        if (scenarios.isEmpty()) {
            throw new IllegalArgumentException("no scenarios");
        }
        if (seeds < 1 || threads < 1) {
            throw new IllegalArgumentException("--seeds and --threads must be at least 1");
        }
        if (horizonCap.toSeconds() < 1) {
            throw new IllegalArgumentException("--horizon-seconds must be at least 1");
        }
        if (stagger.isNegative()) {
            throw new IllegalArgumentException("--stagger-seconds must not be negative");
        }
    }

    /** PrometheusReplayBench's command line. */
    @Command(name = "PrometheusReplayBench",
            description = "Replays the scenarios' probe streams to real Prometheus servers and to kanary's detector at once; "
                    + "prints the times to fire side by side.")
    public static final class Flags {
        @Mixin
        BenchArgs.Help help;

        @Option(names = "--scenarios", split = ",", paramLabel = "NAME", description = "Scenarios to replay (default: all).")
        List<String> scenarios = List.of();

        @Option(names = "--seeds", description = "Seeds 1..N of each scenario (default: ${DEFAULT-VALUE}).")
        int seeds = DEFAULT_SEEDS;

        @Option(names = "--horizon-seconds", paramLabel = "S",
                description = "Cap on each scenario's horizon after its onset (default: ${DEFAULT-VALUE}).")
        long horizonSeconds = DEFAULT_HORIZON_CAP.toSeconds();

        @Option(names = "--stagger-seconds", paramLabel = "S",
                description = "Seed s of N starts (s-1)/N × S later; 0: all at once (default: ${DEFAULT-VALUE}).")
        long staggerSeconds = DEFAULT_STAGGER.toSeconds();

        @Option(names = "--prometheus", paramLabel = "PATH", description = "The Prometheus binary (default: ${DEFAULT-VALUE}).")
        String prometheus = "prometheus";

        @Option(names = "--threads", description = "Threads running kanary's detector while the replay runs (default: ${DEFAULT-VALUE}).")
        int threads = 1;

        public ReplayBenchOptions options() {
            List<Scenario> chosen = scenarios.isEmpty() ? Scenarios.all()
                    : scenarios.stream().map(String::trim).map(Scenarios::named).toList();
            return new ReplayBenchOptions(chosen, seeds, Duration.ofSeconds(horizonSeconds), Duration.ofSeconds(staggerSeconds),
                    prometheus, threads);
        }
    }

    /** The scenarios as replayed: each runs its own horizon, or the cap when that is shorter. */
    public List<Scenario> replayed() {
        return scenarios.stream()
                .map(s -> s.horizon().compareTo(horizonCap) > 0 ? s.withHorizon(horizonCap) : s)
                .toList();
    }

    /** How long after the common start seed {@code seed} (1..N) starts. */
    public Duration lagOf(long seed) {
        return Duration.ofMillis(stagger.toMillis() * (seed - 1) / seeds);
    }
}
