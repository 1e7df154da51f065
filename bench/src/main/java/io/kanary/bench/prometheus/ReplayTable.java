package io.kanary.bench.prometheus;

import io.kanary.bench.scenario.RunStats;
import io.kanary.bench.scenario.Scenario;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The bench's printed table: per scenario, kanary's time to detect beside each Prometheus server's
 * time to fire, and kanary's median as a ratio to each — the semantics of the promtool block of the
 * scenario bench: medians over all runs, "never" slower than any time.
 */
final class ReplayTable {
    private final PrintStream out;

    /** Per run of a scenario (seeds 1..N in order): ms from onset to kanary's rollback and to each alert, or null. */
    record Row(Scenario scenario, List<Long> kanary, List<Long> seeds, List<Long> tuned) {
    }

    ReplayTable(PrintStream out) {
        this.out = out;
    }

    void print(List<String> header, List<Row> rows) {
        header.forEach(out::println);
        out.printf(Locale.ROOT, "%-18s %5s %7s %6s %17s %17s %17s %13s %13s%n", "scenario", "runs", "horizon", "fault",
                "kanary fired/med", "seeds fired/med", "tuned fired/med", "kanary/seeds", "kanary/tuned");
        for (Row row : rows) {
            Long k = RunStats.quantile(row.kanary(), 0.5);
            Long s = RunStats.quantile(row.seeds(), 0.5);
            Long t = RunStats.quantile(row.tuned(), 0.5);
            out.printf(Locale.ROOT, "%-18s %5d %6ds %6s %17s %17s %17s %13s %13s%n", row.scenario().name(),
                    row.kanary().size(), row.scenario().horizon().toSeconds(), row.scenario().shouldRollBack() ? "yes" : "no",
                    fired(row.kanary(), k), fired(row.seeds(), s), fired(row.tuned(), t), ratio(k, s), ratio(k, t));
        }
        out.println("(fired/med: runs in which it fired within the run's horizon / median time from onset to firing over "
                + "all runs, 'never' counting as slower than any; fault = no: should not roll back, every firing is false;");
        out.println(" kanary/x: ratio of the medians, '-' when either is never; Alertmanager's group_wait not included)");
    }

    static String seconds(Long ms) {
        return ms == null ? "never" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static String fired(List<Long> times, Long median) {
        return times.stream().filter(Objects::nonNull).count() + " / " + seconds(median);
    }

    static String ratio(Long kanary, Long rule) {
        if (kanary == null || rule == null || rule <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.3fx", (double) kanary / rule);
    }
}
