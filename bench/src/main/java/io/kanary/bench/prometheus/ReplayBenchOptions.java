package io.kanary.bench.prometheus;

import io.kanary.bench.scenario.Scenario;
import io.kanary.bench.scenario.Scenarios;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

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
    public static final String USAGE = "usage: PrometheusReplayBench [--scenarios a,b (default: all)] [--seeds N (20)]"
            + " [--horizon-seconds S (cap on each scenario's horizon after onset, 300)]"
            + " [--stagger-seconds S (seed s of N starts (s-1)/N*S later, 15; 0: all at once)] [--prometheus PATH (prometheus)]"
            + " [--threads N (1, kanary's detector, while the replay runs)]";

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

    public static ReplayBenchOptions parse(String[] args) {
        List<Scenario> scenarios = Scenarios.all();
        int seeds = DEFAULT_SEEDS;
        Duration cap = DEFAULT_HORIZON_CAP;
        Duration stagger = DEFAULT_STAGGER;
        String prometheus = "prometheus";
        int threads = 1;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--scenarios" -> scenarios = Arrays.stream(value.split(",")).map(String::trim)
                        .map(Scenarios::named).toList();
                case "--seeds" -> seeds = wholeNumber(flag, value);
                case "--horizon-seconds" -> cap = Duration.ofSeconds(wholeNumber(flag, value));
                case "--stagger-seconds" -> stagger = Duration.ofSeconds(wholeNumber(flag, value));
                case "--prometheus" -> prometheus = value;
                case "--threads" -> threads = wholeNumber(flag, value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return new ReplayBenchOptions(scenarios, seeds, cap, stagger, prometheus, threads);
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

    private static int wholeNumber(String flag, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number, was '" + value + "'");
        }
    }
}
