package io.kanary.bench.scenario;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** The benchmark's printed table: the detector's figures, its targets, and promtool's beside them. */
final class ScenarioTable {
    private final PrintStream out;

    ScenarioTable(PrintStream out) {
        this.out = out;
    }

    void print(Instant started, Duration took, ScenarioBench.Options options, Map<Scenario, ScenarioOutcomes> kanary,
               Map<Scenario, List<PromtoolJudge.Firing>> prometheus) {
        out.printf(Locale.ROOT, "kanary scenario bench, %s, took %ds; breach-detector: BreachTopology.build("
                + "DetectorConfig.defaults) in TopologyTestDriver; policy: Policy.defaults()%s; 5 hosts (new version on 1, "
                + "baseline on 4), 10 probes/s per version and onset 30 s after the deployment starts unless named%n",
                started, took.toSeconds(), options.alpha() == null ? "" : " with alpha " + options.alpha());
        out.printf(Locale.ROOT, "detector classes from %s%n", detectorSource());
        out.println();
        out.println("Should roll back: time from onset to the rollback command (probe time of the decisive probe "
                + "minus onset); quantiles over all runs, 'never' = not within the run's horizon");
        out.printf(Locale.ROOT, "%-21s %5s %15s %6s %9s %9s %11s  %s%n", "scenario", "runs", "rolled back", "early",
                "median", "p99", "oracle p99", "target (p99)");
        kanary.values().stream().filter(o -> o.scenario().shouldRollBack()).forEach(o ->
                out.printf(Locale.ROOT, "%-21s %5d %15s %6d %9s %9s %11s  %s%n", o.scenario().name(), o.runs(),
                        share(o.rollbacks(), o.runs()), o.beforeOnset(), seconds(o.quantile(0.5)),
                        seconds(o.quantile(0.99)), oracle(o.scenario()), target(o)));
        out.println("(early = rolled back during the healthy 30 s warm-up, before the onset: a false rollback;");
        out.println(" oracle p99 = the bound no judge beats at the policy's alpha: one look, knowing the onset and both "
                + "error rates, OracleBound)");
        out.println();
        out.println("Should not roll back: false rollbacks, with the one-sided 95% Clopper-Pearson upper bound");
        out.printf(Locale.ROOT, "%-18s %5s %17s %10s  %-10s %s%n", "scenario", "runs", "false rollbacks", "95% upper",
                "target", "what");
        kanary.values().stream().filter(o -> !o.scenario().shouldRollBack()).forEach(o ->
                out.printf(Locale.ROOT, "%-18s %5d %17s %9.3f%%  %-10s %s, %d min%n", o.scenario().name(), o.runs(),
                        share(o.rollbacks(), o.runs()), 100 * RunStats.upper95(o.rollbacks(), o.runs()),
                        o.scenario().name().startsWith("healthy-") ? "<= 0.1%" : "-", o.scenario().description(),
                        o.scenario().warmup().plus(o.scenario().horizon()).toMinutes()));
        if (prometheus.isEmpty()) {
            out.println();
            out.println("(promtool comparison skipped: --prometheus-runs 0)");
            return;
        }
        out.println();
        out.printf(Locale.ROOT, "Side by side on the same streams (seeds 1..%d): Prometheus's rule evaluator (promtool test "
                + "rules, virtual time; not a scraping server; Alertmanager's group_wait not included)%n",
                prometheus.values().stream().mapToInt(List::size).max().orElse(0));
        out.printf(Locale.ROOT, "  seeds: %s for %s, scrape+eval %s;  tuned: %s for %s, scrape+eval %s%n",
                PromRule.SEEDS.expr(), PromRule.promDuration(PromRule.SEEDS.forDuration()),
                PromRule.promDuration(PromRule.SEEDS.interval()), PromRule.TUNED.expr(),
                PromRule.promDuration(PromRule.TUNED.forDuration()), PromRule.promDuration(PromRule.TUNED.interval()));
        out.printf(Locale.ROOT, "%-18s %5s %17s %17s %17s %13s %13s%n", "scenario", "runs", "kanary fired/med",
                "seeds fired/med", "tuned fired/med", "kanary/seeds", "kanary/tuned");
        prometheus.forEach((scenario, firings) -> {
            ScenarioOutcomes k = kanary.get(scenario).first(firings.size());
            List<Long> seeds = firings.stream().map(PromtoolJudge.Firing::seeds).toList();
            List<Long> tuned = firings.stream().map(PromtoolJudge.Firing::tuned).toList();
            Long km = k.quantile(0.5);
            Long sm = RunStats.quantile(seeds, 0.5);
            Long tm = RunStats.quantile(tuned, 0.5);
            out.printf(Locale.ROOT, "%-18s %5d %17s %17s %17s %13s %13s%n", scenario.name(), firings.size(),
                    fired(k.sinceOnsetMillis(), km), fired(seeds, sm), fired(tuned, tm), ratio(km, sm), ratio(km, tm));
        });
        out.println("(fired/med: runs in which it fired / median time from onset to firing over all runs; for the "
                + "should-not-roll-back scenarios every firing is false)");
    }

    /** Which breach-detector build was measured: the jar (or classes dir) and when it was built. */
    private static String detectorSource() {
        try {
            java.nio.file.Path path = java.nio.file.Path.of(io.kanary.detector.BreachTopology.class.getProtectionDomain()
                    .getCodeSource().getLocation().toURI());
            return path + " (modified " + java.nio.file.Files.getLastModifiedTime(path) + ")";
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String oracle(Scenario scenario) {
        var p99 = OracleBound.p99Millis(scenario, scenario.policy().alpha());
        return p99.isPresent() ? seconds(p99.getAsLong()) : "-";
    }

    private static String target(ScenarioOutcomes o) {
        return switch (o.scenario().name()) {
            case "sudden-30%" -> verdict(o.quantile(0.99), 5_000);
            case "sudden-10%" -> verdict(o.quantile(0.99), 15_000);
            default -> "-";
        };
    }

    private static String verdict(Long p99, long limitMs) {
        return "<= " + limitMs / 1000 + " s: " + (p99 != null && p99 <= limitMs ? "met" : "NOT met");
    }

    private static String share(int k, int n) {
        return String.format(Locale.ROOT, "%d (%.1f%%)", k, 100.0 * k / n);
    }

    private static String fired(List<Long> times, Long median) {
        return times.stream().filter(Objects::nonNull).count() + " / " + seconds(median);
    }

    static String seconds(Long ms) {
        return ms == null ? "never" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static String ratio(Long kanary, Long rule) {
        if (kanary == null || rule == null || rule <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.3fx", (double) kanary / rule);
    }
}
