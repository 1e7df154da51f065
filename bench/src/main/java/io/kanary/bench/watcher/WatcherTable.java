package io.kanary.bench.watcher;

import io.kanary.bench.Quantiles;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/** The printed table: per rate and loop setting, the median of each figure over the repetitions. */
final class WatcherTable {
    static final String HEADER = String.format(Locale.ROOT, "%8s %5s %9s %6s %8s %7s %15s %15s %15s %9s %5s",
            "asked/s", "loops", "probes/s", "ok%", "skipped%", "failed%", "send p50/p99ms", "lat p50/p99 ms",
            "srv p50/p99 µs", "cpu s/1k", "cores");

    private WatcherTable() {
    }

    static String row(RunFigures f) {
        return String.format(Locale.ROOT, "%8d %5d %9.0f %6.2f %8.2f %7.2f %7.2f/%-7.2f %7.0f/%-7.0f %7.1f/%-7.1f %9.4f %5.2f%s",
                f.askedPerSecond(), f.loops(), f.sentPerSecond(), f.okPct(), f.skippedPct(), f.failedPct(),
                f.sendDelayP50Ms(), f.sendDelayP99Ms(), f.latencyP50Ms(), f.latencyP99Ms(), f.serverP50Us(),
                f.serverP99Us(), f.cpuSecondsPer1k(), f.cpuCores(),
                f.failures().isEmpty() ? "" : "  failures " + f.failures());
    }

    static void print(PrintStream out, WatcherThroughputBench.Options options, List<RunFigures> runs, Duration took) {
        out.printf(Locale.ROOT, "health-watcher throughput: probes every %d ms, medians of %d repetitions, %d s windows "
                        + "after %d s of warm-up; %d processors, load %s; took %d s%n", options.intervalMs(),
                options.repetitions(), options.window().toSeconds(), options.warmup().toSeconds(),
                Runtime.getRuntime().availableProcessors(), loadAverage(), took.toSeconds());
        out.println(HEADER);
        TreeMap<String, List<RunFigures>> byRow = new TreeMap<>();
        for (RunFigures f : runs) {
            byRow.computeIfAbsent(String.format(Locale.ROOT, "%08d/%03d", f.askedPerSecond(), f.loops()),
                    k -> new java.util.ArrayList<>()).add(f);
        }
        byRow.values().forEach(rows -> out.println(row(median(rows))));
        out.println("""
                probes/s: sent and answered (or failed); ok/skipped/failed: shares of every probe published in the window.
                send: the watcher's delay from a probe falling due to its request written (bucket bounds: at most).
                lat: the latency the probes report (from the request written); srv: the instances' own handling time.
                cpu: the watcher JVM's CPU seconds per 1,000 probes sent; cores: its CPU time over the window's length.
                The instances and the broker run in the bench's
                JVM on the same cores, so the watcher's share of the machine is smaller than the machine.""");
    }

    /** The 1, 5 and 15 minute load averages, for the figures' context. */
    private static String loadAverage() {
        try {
            String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (java.io.IOException | ArrayIndexOutOfBoundsException e) {
            return "unknown";
        }
    }

    /** A row of the medians of {@code runs}' figures (the failures and skip reasons summed). */
    static RunFigures median(List<RunFigures> runs) {
        RunFigures first = runs.get(0);
        java.util.Map<String, Long> failures = new TreeMap<>();
        java.util.Map<String, Long> skips = new TreeMap<>();
        runs.forEach(r -> {
            r.failures().forEach((k, v) -> failures.merge(k, v, Long::sum));
            r.skipReasons().forEach((k, v) -> skips.merge(k, v, Long::sum));
        });
        return new RunFigures(first.askedPerSecond(), first.loops(), m(runs, RunFigures::sentPerSecond),
                m(runs, RunFigures::okPct), m(runs, RunFigures::skippedPct), m(runs, RunFigures::failedPct),
                m(runs, RunFigures::sendDelayP50Ms), m(runs, RunFigures::sendDelayP99Ms), m(runs, RunFigures::latencyP50Ms),
                m(runs, RunFigures::latencyP99Ms), m(runs, RunFigures::serverP50Us), m(runs, RunFigures::serverP99Us),
                m(runs, RunFigures::cpuSecondsPer1k), m(runs, RunFigures::cpuCores), failures, skips);
    }

    private static double m(List<RunFigures> runs, ToDoubleFunction<RunFigures> figure) {
        double[] values = runs.stream().mapToDouble(figure).filter(v -> !Double.isNaN(v)).toArray();
        return values.length == 0 ? Double.NaN : Quantiles.nearestRank(values, 0.5);
    }
}
