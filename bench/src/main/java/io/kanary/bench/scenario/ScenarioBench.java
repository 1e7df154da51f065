package io.kanary.bench.scenario;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

/**
 * Issue 4's scenario benchmark: every scenario's probe streams (seeds 1..N) through the real
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
    static final String USAGE = "usage: ScenarioBench [--runs N] [--healthy-runs N] [--prometheus-runs N (0: skip)] "
            + "[--threads N] [--scenarios a,b] [--promtool PATH] [--healthy-seconds S (healthy runs' length after onset)] "
            + "[--alpha A (the policy's false-rollback probability instead of its default)]";

    record Options(int runs, int healthyRuns, int prometheusRuns, int threads, List<String> scenarios,
                   String promtool, Duration healthyHorizon, Double alpha) {
        static Options parse(String[] args) {
            int runs = 200;
            int healthyRuns = 1000;
            int prometheusRuns = 20;
            int threads = 1;
            List<String> scenarios = List.of();
            String promtool = "promtool";
            Duration healthyHorizon = null;
            Double alpha = null;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
                }
                String value = args[++i];
                switch (flag) {
                    case "--runs" -> runs = Integer.parseInt(value);
                    case "--healthy-runs" -> healthyRuns = Integer.parseInt(value);
                    case "--prometheus-runs" -> prometheusRuns = Integer.parseInt(value);
                    case "--threads" -> threads = Integer.parseInt(value);
                    case "--scenarios" -> scenarios = Arrays.asList(value.split(","));
                    case "--promtool" -> promtool = value;
                    case "--healthy-seconds" -> healthyHorizon = Duration.ofSeconds(Long.parseLong(value));
                    case "--alpha" -> alpha = Double.parseDouble(value);
                    default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
                }
            }
            if (runs < 1 || healthyRuns < 1 || threads < 1 || prometheusRuns < 0) {
                throw new IllegalArgumentException("runs and threads must be positive\n" + USAGE);
            }
            if (alpha != null && !(alpha > 0 && alpha <= 0.5)) {
                throw new IllegalArgumentException("--alpha must be in (0, 0.5], was " + alpha + "\n" + USAGE);
            }
            return new Options(runs, healthyRuns, prometheusRuns, threads, scenarios, promtool, healthyHorizon, alpha);
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

    private ScenarioBench() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return;
        }
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
