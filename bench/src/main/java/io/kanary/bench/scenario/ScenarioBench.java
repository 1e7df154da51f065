package io.kanary.bench.scenario;

import io.kanary.bench.BenchArgs;
import io.kanary.kafka.Topics;
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
                   String promtool, Duration healthyHorizon, Double alpha, Traffic traffic) {
        Options(int runs, int healthyRuns, int prometheusRuns, int threads, List<String> scenarios, String promtool,
                Duration healthyHorizon, Double alpha) {
            this(runs, healthyRuns, prometheusRuns, threads, scenarios, promtool, healthyHorizon, alpha, Traffic.NONE);
        }

        Options {
            if (runs < 1 || healthyRuns < 1 || threads < 1 || prometheusRuns < 0) {
                throw new IllegalArgumentException("--runs, --healthy-runs and --threads must be at least 1, "
                        + "--prometheus-runs at least 0");
            }
            if (alpha != null && !(alpha > 0 && alpha <= 0.5)) {
                throw new IllegalArgumentException("--alpha must be in (0, 0.5], was " + alpha);
            }
            scenarios.forEach(Scenarios::named); // an unknown name is refused here, with the names there are
            traffic = traffic == null ? Traffic.NONE : traffic;
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

    /**
     * The traffic rows' settings.
     *
     * @param runs        runs of each traffic row that should roll back, and of the blip and shared-dependency rows
     *                    (0: no traffic rows)
     * @param healthyRuns runs of the healthy traffic row
     * @param only        the traffic rows only, without the probe rows
     * @param fixedRate   exactly the rate every second instead of a Poisson count
     * @param skipDetector the Flagger columns only (the many healthy runs of a campaign, quickly)
     */
    record Traffic(int runs, int healthyRuns, List<String> scenarios, boolean only, boolean fixedRate,
                   boolean skipDetector) {
        static final Traffic NONE = new Traffic(0, 0, List.of(), false, false, false);

        Traffic {
            if (runs < 0 || healthyRuns < 0) {
                throw new IllegalArgumentException("--traffic-runs and --traffic-healthy-runs must be at least 0");
            }
            if (only && runs == 0) {
                throw new IllegalArgumentException("--traffic-only needs --traffic-runs of at least 1");
            }
            scenarios.forEach(TrafficScenarios::named); // an unknown name is refused here, with the names there are
        }

        List<TrafficScenario> selected() {
            List<TrafficScenario> chosen = scenarios.isEmpty() ? TrafficScenarios.all()
                    : scenarios.stream().map(TrafficScenarios::named).toList();
            return chosen.stream().map(s -> fixedRate ? s.withFixedRate() : s).toList();
        }

        int runsOf(TrafficScenario scenario) {
            return scenario.name().equals("traffic-healthy") ? healthyRuns : runs;
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

        @Option(names = "--traffic-runs", description = "Runs of each traffic row (rows on the instances' request "
                + "metrics at 100 requests/s); 0 skips them (default: ${DEFAULT-VALUE}).")
        int trafficRuns = 0;

        @Option(names = "--traffic-healthy-runs", description = "Runs of the healthy traffic row (default: ${DEFAULT-VALUE}).")
        int trafficHealthyRuns = 1000;

        @Option(names = "--traffic-scenarios", split = ",", paramLabel = "NAME",
                description = "Traffic rows to run (default: all).")
        List<String> trafficScenarios = List.of();

        @Option(names = "--traffic-only", description = "Run the traffic rows only, not the probe rows.")
        boolean trafficOnly;

        @Option(names = "--fixed-rate", description = "Traffic rows: exactly 100 requests every second instead of Poisson.")
        boolean fixedRate;

        @Option(names = "--traffic-skip-detector", description = "Traffic rows: leave out the kanary column (measure the "
                + "oracle and Flagger columns only).")
        boolean trafficSkipDetector;

        Options options() {
            return new Options(runs, healthyRuns, prometheusRuns, threads, scenarios, promtool,
                    healthySeconds == null ? null : Duration.ofSeconds(healthySeconds), alpha,
                    new Traffic(trafficRuns, trafficHealthyRuns, trafficScenarios, trafficOnly, fixedRate,
                            trafficSkipDetector));
        }
    }

    private ScenarioBench() {
    }

    public static void main(String[] args) throws Exception {
        Options options = BenchArgs.parseOrExit(new Flags(), args, Flags::options);
        Instant started = Instant.now();
        Map<Scenario, ScenarioOutcomes> kanary = new LinkedHashMap<>();
        List<TrafficOutcomes> traffic = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads());
        try {
            if (!options.traffic().only()) {
                for (Scenario scenario : options.selected()) {
                    kanary.put(scenario, runDetector(pool, scenario, options.runsOf(scenario)));
                }
            }
            traffic = runTraffic(pool, options);
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
        if (!kanary.isEmpty()) {
            new ScenarioTable(System.out).print(started, Duration.between(started, Instant.now()), options, kanary,
                    prometheus);
        } else {
            System.out.printf(Locale.ROOT, "kanary scenario bench (traffic rows only), %s, took %ds%n", started,
                    Duration.between(started, Instant.now()).toSeconds());
        }
        new TrafficTable(System.out).print(traffic);
    }

    private static List<TrafficOutcomes> runTraffic(ExecutorService pool, Options options)
            throws InterruptedException, ExecutionException {
        Traffic traffic = options.traffic();
        if (traffic.runs() == 0) {
            return List.of();
        }
        boolean readsTraffic = TrafficDetectorRun.readsTraffic();
        if (!readsTraffic) {
            System.err.println("this breach-detector does not read " + Topics.TRAFFIC_SAMPLES.name()
                    + ": the traffic rows' kanary column gets the probes only");
        }
        FlaggerAnalysis flagger = options.prometheusRuns() > 0 ? new FlaggerAnalysis(options.promtool()) : null;
        TrafficRows rows = new TrafficRows(pool, flagger, readsTraffic, !traffic.skipDetector());
        List<TrafficOutcomes> outcomes = new ArrayList<>();
        for (TrafficScenario scenario : traffic.selected()) {
            int runs = traffic.runsOf(scenario);
            if (runs > 0) {
                outcomes.add(rows.run(alpha(scenario, options.alpha()), runs));
            }
        }
        return outcomes;
    }

    private static TrafficScenario alpha(TrafficScenario scenario, Double alpha) {
        return alpha == null ? scenario : scenario.withAlpha(alpha);
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
