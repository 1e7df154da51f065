package io.kanary.bench;

import java.util.Locale;

/** The printed comparison: one row per path, then the ratio of the medians and the machine note. */
final class ResultTable {
    private ResultTable() {
    }

    static String render(String header, Summary warm, Summary cold, String notes) {
        StringBuilder out = new StringBuilder(header).append('\n');
        out.append(String.format(Locale.ROOT, "%-40s %5s %9s %9s %9s %9s%n", "path (ms)", "runs", "median", "p90", "min", "max"));
        out.append(row("warm rollback (start kept v1)", warm));
        out.append(row("cold redeploy (remove, create, start v1)", cold));
        out.append(String.format(Locale.ROOT, "ratio cold/warm of the medians: %.2fx%n", cold.median() / warm.median()));
        return out.append(notes).toString();
    }

    private static String row(String name, Summary s) {
        return String.format(Locale.ROOT, "%-40s %5d %9.1f %9.1f %9.1f %9.1f%n", name, s.runs(), s.median(), s.p90(),
                s.min(), s.max());
    }
}
