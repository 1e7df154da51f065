package io.kanary.bench.scenario;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The traffic rows' table: per scenario, the oracle bound, kanary, and the Flagger-style analysis
 * checking every 60 s and every 10 s, measured on the same streams, with the ratios of their p99s.
 */
final class TrafficTable {
    private final PrintStream out;

    TrafficTable(PrintStream out) {
        this.out = out;
    }

    void print(List<TrafficOutcomes> rows) {
        if (rows.isEmpty()) {
            return;
        }
        TrafficScenario any = rows.get(0).scenario();
        double limit = any.policy().maxErrorRate();
        boolean flagger = rows.stream().anyMatch(r -> !r.flaggerEvery60s().isEmpty());
        out.println();
        out.printf(Locale.ROOT, "Traffic rows: %d instances of each version at %.0f requests/s each (%s), probes at %.0f/s per "
                + "version beside them; onset %d s into the deployment; policy: Policy.defaults() reading traffic in the default "
                + "metric names%n", any.instances(),
                any.requestsPerSecond(), any.poisson() ? "Poisson" : "fixed", any.probesPerSecond(),
                any.warmup().toSeconds());
        out.println(rows.get(0).kanary().isEmpty() ? "  kanary: not run (--traffic-skip-detector)"
                : rows.get(0).kanaryFedTraffic() ? "  kanary: the breach-detector fed traffic.samples (one per instance and second) and health.probes"
                : "  kanary: NO TRAFFIC VERDICT: this breach-detector's topology does not read traffic.samples, so it was "
                        + "fed the probes only (its figures are the probes')");
        if (flagger) {
            FlaggerAnalysis.Config every60 = FlaggerAnalysis.Config.flaggerDefault(limit);
            out.printf(Locale.ROOT, "  Flagger/Argo-style: %s, scraped every %s, evaluated by promtool every 60 s (Flagger's "
                    + "default interval) and every 10 s; rollback at %d failed check (Flagger's default threshold)%n",
                    every60.expr(), PromRule.promDuration(every60.scrapeInterval()), every60.threshold());
        } else {
            out.println("  Flagger/Argo-style columns skipped: --prometheus-runs 0");
        }
        out.println();
        out.println("Should roll back: time from onset to the rollback command, median / p99 over all runs ('never' = "
                + "not within the run's horizon); rolled = runs with a rollback");
        out.printf(Locale.ROOT, "%-20s %5s %8s | %-22s | %-26s | %-26s | %8s %8s | %s%n", "scenario", "runs", "oracle",
                "kanary rolled med/p99", "Flagger 60s rolled med/p99", "Flagger 10s rolled med/p99", "k/F60", "k/F10",
                "target (kanary p99)");
        rows.stream().filter(r -> r.scenario().shouldRollBack()).forEach(r -> {
            Long k99 = RunStats.quantile(r.kanary(), 0.99);
            Long f60 = RunStats.quantile(r.flaggerEvery60s(), 0.99);
            Long f10 = RunStats.quantile(r.flaggerEvery10s(), 0.99);
            out.printf(Locale.ROOT, "%-20s %5d %8s | %-22s | %-26s | %-26s | %8s %8s | %s%n", shortName(r), r.runs(),
                    oracle(r.scenario()), judge(r.kanary()), judge(r.flaggerEvery60s()), judge(r.flaggerEvery10s()),
                    ratio(k99, f60), ratio(k99, f10), r.kanary().isEmpty() ? "-" : target(r.scenario().name(), k99));
        });
        out.println("(oracle = the p99 no judge beats at the policy's alpha, one look at the new version's requests "
                + "knowing the onset and both error rates, OracleBound; error-rate steps only. Flagger's error ratio does "
                + "not see latency: 'never' on the latency row by construction)");
        out.println();
        out.println("Should not roll back: false rollbacks (any rollback, also in the warm-up), with the one-sided 95% "
                + "Clopper-Pearson upper bound");
        out.printf(Locale.ROOT, "%-20s %5s | %-20s | %-20s | %-20s | %s%n", "scenario", "runs", "kanary k (95% upper)",
                "Flagger 60s k (95%)", "Flagger 10s k (95%)", "target (kanary)");
        rows.stream().filter(r -> r.scenario().healthy()).forEach(r ->
                out.printf(Locale.ROOT, "%-20s %5d | %-20s | %-20s | %-20s | %s%n", shortName(r), r.runs(),
                        falseRate(r.kanary()), falseRate(r.flaggerEvery60s()), falseRate(r.flaggerEvery10s()),
                        healthyTarget(r)));
        out.println("(kanary/Flagger ratios: of the p99 times, below 1 = kanary faster; 'early' = rollbacks during the "
                + "healthy warm-up)");
    }

    private static String shortName(TrafficOutcomes r) {
        return r.scenario().name().replaceFirst("^traffic-", "");
    }

    private static String oracle(TrafficScenario scenario) {
        var p99 = OracleBound.p99Millis(scenario, scenario.policy().alpha());
        return p99.isPresent() ? String.format(Locale.ROOT, "%.2f s", p99.getAsLong() / 1000.0) : "-";
    }

    private static String judge(List<Long> times) {
        if (times.isEmpty()) {
            return "-";
        }
        int early = TrafficOutcomes.early(times);
        return TrafficOutcomes.rollbacks(times) + " " + ScenarioTable.seconds(RunStats.quantile(times, 0.5)) + "/"
                + ScenarioTable.seconds(RunStats.quantile(times, 0.99)) + (early > 0 ? " early " + early : "");
    }

    private static String falseRate(List<Long> times) {
        if (times.isEmpty()) {
            return "-";
        }
        int k = TrafficOutcomes.rollbacks(times);
        return String.format(Locale.ROOT, "%d (<= %.3f%%)", k, 100 * RunStats.upper95(k, times.size()));
    }

    static String target(String scenario, Long kanaryP99) {
        Long limit = switch (scenario) {
            case "traffic-sudden-30%" -> 1_000L;
            case "traffic-sudden-10%" -> 5_000L;
            case "traffic-median-x2" -> 10_000L;
            default -> null;
        };
        if (limit == null) {
            return "-";
        }
        return "<= " + ScenarioTable.seconds(limit) + ": " + (kanaryP99 != null && kanaryP99 <= limit ? "met" : "NOT met");
    }

    private static String healthyTarget(TrafficOutcomes r) {
        int k = TrafficOutcomes.rollbacks(r.kanary());
        if (r.kanary().isEmpty()) {
            return "-";
        }
        if (!r.scenario().name().equals("traffic-healthy")) {
            return "none: " + (k == 0 ? "met" : "NOT met");
        }
        double upper = RunStats.upper95(k, r.runs());
        return "<= 0.1% (95% upper) over >= 3,000 runs: " + (upper <= 0.001 ? "met"
                : r.runs() < 3_000 && k == 0 ? "too few runs to tell" : "NOT met");
    }

    private static String ratio(Long kanary, Long other) {
        if (kanary == null || other == null || other <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.3fx", (double) kanary / other);
    }
}
