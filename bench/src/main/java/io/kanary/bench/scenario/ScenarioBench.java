package io.kanary.bench.scenario;

import io.kanary.bench.BenchArgs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The scenario benchmark: every scenario's probe streams (seeds 1..N) through the real
 * breach-detector topology in {@link org.apache.kafka.streams.TopologyTestDriver}, and, side by
 * side, through Prometheus's rule evaluator ({@code promtool test rules}) with the alert rules a team
 * writes today. Prints one table to stdout; progress goes to stderr.
 *
 * <pre>
 * ScenarioBench [--runs 200] [--healthy-runs 1000] [--prometheus-runs 20] [--threads 1]
 *               [--scenarios sudden-30%,healthy-1/s] [--promtool promtool] [--healthy-seconds S] [--alpha A]
 * </pre>
 */
public final class ScenarioBench {
    record Options(int runs, int healthyRuns, int prometheusRuns, int threads, List<String> scenarios,
                   String promtool, Duration healthyHorizon, Double alpha) {
        Options {
            if (runs < 1 || healthyRuns < 1 || threads < 1 || prometheusRuns < 0) {
                throw new IllegalArgumentException("--runs, --healthy-runs and --threads must be at least 1, "
                        + "--prometheus-runs at least 0");
            }
            if (alpha != null && !(alpha > 0 && alpha <= 0.5)) {
                throw new IllegalArgumentException("--alpha must be in (0, 0.5], was " + alpha);
            }
            scenarios.forEach(Scenarios::named); // an unknown name is refused here, with the names there are
        }

        List<Scenario> selected() {
            List<Scenario> chosen = scenarios.isEmpty() ? Scenarios.all()
                    : scenarios.stream().map(Scenarios::named).toList();
            return chosen.stream().map(s -> healthyHorizon != null && isHealthyTraffic(s) ? s.withHorizon(healthyHorizon) : s)
                    .map(s -> alpha == null ? s : s.withAlpha(alpha))
                    .toList();
        }

        /** The two healthy-traffic scenarios get the many runs a false-rollback rate needs. */
        int runsOf(Scenario scenario) {
            return isHealthyTraffic(scenario) ? healthyRuns : runs;
        }

        static boolean isHealthyTraffic(Scenario scenario) {
            return scenario.name().startsWith("healthy-");
        }
    }

    /** ScenarioBench's command line. */
    @Command(name = "ScenarioBench",
            description = "The scenarios' probe streams judged by kanary's detector and by the Prometheus alert rules a team "
                    + "writes today (promtool test rules); prints one table to stdout, progress to stderr.")
    static final class Flags {
        @Mixin
        BenchArgs.Help help;

        @Option(names = "--runs", description = "Runs of each scenario (default: ${DEFAULT-VALUE}).")
        int runs = 200;

        @Option(names = "--healthy-runs", description = "Runs of each healthy-traffic scenario (default: ${DEFAULT-VALUE}).")
        int healthyRuns = 1000;

        @Option(names = "--prometheus-runs", description = "Runs judged by promtool; 0 skips it (default: ${DEFAULT-VALUE}).")
        int prometheusRuns = 20;

        @Option(names = "--threads", description = "Threads running the detector (default: ${DEFAULT-VALUE}).")
        int threads = 1;

        @Option(names = "--scenarios", split = ",", paramLabel = "NAME", description = "Scenarios to run (default: all).")
        List<String> scenarios = List.of();

        @Option(names = "--promtool", paramLabel = "PATH", description = "The promtool binary (default: ${DEFAULT-VALUE}).")
        String promtool = "promtool";

        @Option(names = "--healthy-seconds", paramLabel = "S", description = "Healthy runs' length after the onset.")
        Long healthySeconds;

        @Option(names = "--alpha", paramLabel = "A",
                description = "The policy's false-rollback probability instead of its default, in (0, 0.5].")
        Double alpha;

        Options options() {
            return new Options(runs, healthyRuns, prometheusRuns, threads, scenarios, promtool,
                    healthySeconds == null ? null : Duration.ofSeconds(healthySeconds), alpha);
        }
    }

    private ScenarioBench() {
    }

    public static void main(String[] args) throws Exception {
        Options options = BenchArgs.parseOrExit(new Flags(), args, Flags::options);
        Instant started = Instant.now();
        Map<Scenario, ScenarioOutcomes> kanary = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads());
        try {
            for (Scenario scenario : options.selected()) {
                kanary.put(scenario, runDetector(pool, scenario, options.runsOf(scenario)));
            }
        } finally {
            pool.shutdownNow();
        }
        Map<Scenario, List<PromtoolJudge.Firing>> prometheus = new LinkedHashMap<>();
        if (options.prometheusRuns() > 0) {
            PromtoolJudge judge = new PromtoolJudge(options.promtool());
            System.err.println("promtool: " + judge.version());
            for (Scenario scenario : kanary.keySet()) {
                long t = System.nanoTime();
                prometheus.put(scenario, judge.judge(scenario, Math.min(options.prometheusRuns(), kanary.get(scenario).runs())));
                System.err.printf(Locale.ROOT, "promtool %-18s %d runs in %.1f s%n", scenario.name(),
                        options.prometheusRuns(), (System.nanoTime() - t) / 1e9);
            }
        }
        new ScenarioTable(System.out).print(started, Duration.between(started, Instant.now()), options, kanary, prometheus);
    }

    private static ScenarioOutcomes runDetector(ExecutorService pool, Scenario scenario, int runs)
            throws InterruptedException, ExecutionException {
        long t = System.nanoTime();
        List<Future<Long>> futures = new ArrayList<>();
        for (long seed = 1; seed <= runs; seed++) {
            long s = seed;
            futures.add(pool.submit(() -> {
                DetectorRun.Outcome outcome = DetectorRun.run(ProbeStreamGenerator.generate(scenario, s));
                return outcome.rolledBack() ? outcome.sinceOnset().toMillis() : null;
            }));
        }
        List<Long> times = new ArrayList<>();
        for (Future<Long> f : futures) {
            times.add(f.get());
        }
        ScenarioOutcomes outcomes = new ScenarioOutcomes(scenario, times);
        System.err.printf(Locale.ROOT, "kanary   %-18s %d runs in %.1f s, %d rollbacks%n", scenario.name(), runs,
                (System.nanoTime() - t) / 1e9, outcomes.rollbacks());
        return outcomes;
    }

}
