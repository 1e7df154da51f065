package io.kanary.bench.prometheus;

import io.kanary.bench.BenchArgs;
import io.kanary.bench.scenario.DetectorRun;
import io.kanary.bench.scenario.PromRule;
import io.kanary.bench.scenario.ProbeStreamGenerator;
import io.kanary.bench.scenario.Scenario;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The side-by-side comparison with a real Prometheus: every scenario's probe streams (seeds
 * 1..N) replayed at once, in wall-clock time, by a {@link ReplayExporter} that two real Prometheus
 * servers scrape — "seeds" (the seeds' rule, 15 s scrape and evaluation, {@code for: 2m}) and
 * "tuned" (5 s, a 30 s rate, {@code for: 0s}) — while kanary's real breach-detector judges the same
 * streams in virtual time ({@link DetectorRun}). Prints one table to stdout; progress on stderr.
 */
public final class PrometheusReplayBench {
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** A server scrapes first at an offset of up to one interval after it starts. */
    static final Duration FIRST_SCRAPE_TIMEOUT = Duration.ofSeconds(60);
    /** After the last run ends: its last evaluation is at most one interval later, plus time to write it. */
    static final Duration SETTLE = Duration.ofSeconds(5);
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);
    static final Duration DETECTOR_TIMEOUT = Duration.ofMinutes(30);
    static final List<PromRule> RULES = List.of(PromRule.SEEDS, PromRule.TUNED);

    private PrometheusReplayBench() {
    }

    public static void main(String[] args) throws Exception {
        ReplayBenchOptions options = BenchArgs.parseOrExit(new ReplayBenchOptions.Flags(), args,
                ReplayBenchOptions.Flags::options);
        Instant started = Instant.now();
        String loadAtStart = loadAverage();
        String version = PrometheusServer.version(options.prometheus());
        List<Scenario> scenarios = options.replayed();
        List<ReplayRun> runs = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            for (long seed = 1; seed <= options.seeds(); seed++) {
                runs.add(ReplayRun.of(ProbeStreamGenerator.generate(scenario, seed)).withLag(options.lagOf(seed)));
            }
        }
        Duration longest = runs.stream().map(r -> r.lag().plus(r.end())).max(Duration::compareTo).orElseThrow();
        Duration slowest = RULES.stream().map(PromRule::interval).max(Duration::compareTo).orElseThrow();
        System.err.printf(Locale.ROOT, "%s; %d runs; replay %d s; load average %s%n", version, runs.size(),
                longest.plus(slowest).plus(SETTLE).toSeconds(), loadAtStart);

        List<String> health = new ArrayList<>();
        Map<String, Map<String, Instant>> firings;
        Map<ReplayRun, Future<Long>> kanary = new LinkedHashMap<>();
        Instant replayStart;
        PrometheusReplay replay = PrometheusReplay.open(runs);
        Thread cleanup = new Thread(replay::close, "prometheus-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        // One thread by default: the detector shares the machine with the two servers it is compared with.
        ExecutorService detector = Executors.newFixedThreadPool(options.threads());
        try {
            replay.startServers(options.prometheus(), RULES.stream().map(PrometheusSetup::of).toList(), READY_TIMEOUT);
            replay.awaitFirstScrapes(FIRST_SCRAPE_TIMEOUT);
            replayStart = replay.beginReplay();
            for (ReplayRun run : runs) {
                // The same stream again (the generator is deterministic), so the replay holds counts only.
                kanary.put(run, detector.submit(() -> sinceOnset(DetectorRun.run(
                        ProbeStreamGenerator.generate(run.scenario(), run.seed())))));
            }
            Instant replayEnd = replayStart.plus(longest).plus(slowest).plus(SETTLE);
            awaitReplay(replayStart, replayEnd, kanary.values());
            Instant from = replayStart.minus(slowest);
            firings = replay.firstFirings(from, replayEnd);
            for (PrometheusServer server : replay.servers()) {
                health.add(scrapeHealth(server, from, replayEnd));
            }
        } finally {
            detector.shutdown();
            replay.close();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or has run: nothing left to remove.
            }
        }
        Map<ReplayRun, Long> kanaryTimes = collect(kanary);
        detector.shutdownNow();

        List<ReplayTable.Row> rows = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            List<ReplayRun> of = runs.stream().filter(r -> r.scenario() == scenario).toList();
            rows.add(new ReplayTable.Row(scenario, of.stream().map(kanaryTimes::get).toList(),
                    of.stream().map(r -> sinceOnset(r, replayStart, firings.get(PromRule.SEEDS.name()))).toList(),
                    of.stream().map(r -> sinceOnset(r, replayStart, firings.get(PromRule.TUNED.name()))).toList()));
        }
        List<String> header = new ArrayList<>();
        header.add(String.format(Locale.ROOT, "kanary vs a real Prometheus, %s, took %d s; %d runs (seeds 1..%d) replayed "
                + "at once in wall-clock time from %s, seed s starting (s-1)/%d x %d s later (its T0; onset at +%d s)",
                started, Duration.between(started, Instant.now()).toSeconds(), runs.size(), options.seeds(), replayStart,
                options.seeds(), options.stagger().toSeconds(), runs.get(0).onset().toSeconds()));
        header.add(version + "; load average (1/5/15 min) at start " + loadAtStart + ", at end " + loadAverage());
        for (int i = 0; i < RULES.size(); i++) {
            PromRule rule = RULES.get(i);
            header.add(String.format(Locale.ROOT, "  %s: %s for %s, scrape+eval %s; %s", rule.name(), rule.expr(),
                    PrometheusSetup.duration(rule.forDuration()), PrometheusSetup.duration(rule.interval()),
                    health.get(i)));
        }
        header.add("  kanary: BreachTopology.build(DetectorConfig.defaults) in TopologyTestDriver (virtual time) on the "
                + "same streams; detector classes from " + detectorSource());
        new ReplayTable(System.out).print(header, rows);
    }

    /** Until the replay is over, a line of progress every half minute. */
    private static void awaitReplay(Instant replayStart, Instant replayEnd, java.util.Collection<Future<Long>> kanary) {
        while (Instant.now().isBefore(replayEnd)) {
            Duration left = Duration.between(Instant.now(), replayEnd);
            if (left.compareTo(PROGRESS_EVERY) < 0) {
                PrometheusReplay.sleep(left);
                break;
            }
            PrometheusReplay.sleep(PROGRESS_EVERY);
            System.err.printf(Locale.ROOT, "replay at +%d s of %d s; kanary %d of %d runs judged%n",
                    Duration.between(replayStart, Instant.now()).toSeconds(), Duration.between(replayStart, replayEnd).toSeconds(),
                    kanary.stream().filter(Future::isDone).count(), kanary.size());
        }
    }

    /**
     * ms from the run's onset (its wall-clock time in the replay) to the alert's first firing
     * evaluation, or null when it did not fire by the run's end.
     */
    static Long sinceOnset(ReplayRun run, Instant replayStart, Map<String, Instant> firstFirings) {
        Instant fired = firstFirings.get(run.label());
        Instant runStart = replayStart.plus(run.lag());
        if (fired == null || fired.isAfter(runStart.plus(run.end()))) {
            return null;
        }
        return Duration.between(runStart.plus(run.onset()), fired).toMillis();
    }

    private static Long sinceOnset(DetectorRun.Outcome outcome) {
        return outcome.rolledBack() ? outcome.sinceOnset().toMillis() : null;
    }

    private static Map<ReplayRun, Long> collect(Map<ReplayRun, Future<Long>> kanary)
            throws InterruptedException, ExecutionException, TimeoutException {
        Instant deadline = Instant.now().plus(DETECTOR_TIMEOUT);
        Map<ReplayRun, Long> times = new LinkedHashMap<>();
        for (Map.Entry<ReplayRun, Future<Long>> e : kanary.entrySet()) {
            long leftMs = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
            times.put(e.getKey(), e.getValue().get(leftMs, TimeUnit.MILLISECONDS));
        }
        return times;
    }

    /** How the server's scrapes of the exporter went over the replay: a bad scrape would skew its times. */
    private static String scrapeHealth(PrometheusServer server, Instant from, Instant to) {
        String range = "[" + Duration.between(from, to).toSeconds() + "s]";
        String up = "up{job=\"" + PrometheusSetup.JOB + "\"}";
        Double scrapes = server.query("count_over_time(" + up + range + ")", to);
        Double ok = server.query("sum_over_time(" + up + range + ")", to);
        Double slowest = server.query("max_over_time(scrape_duration_seconds{job=\"" + PrometheusSetup.JOB + "\"}"
                + range + ")", to);
        return String.format(Locale.ROOT, "%.0f scrapes, %.0f up, longest %.0f ms", orZero(scrapes), orZero(ok),
                1000 * orZero(slowest));
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    /** The 1/5/15-minute load averages from /proc/loadavg, or the JVM's 1-minute figure elsewhere. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** Which breach-detector build was measured: the jar (or classes directory) and when it was built. */
    private static String detectorSource() {
        try {
            Path path = Path.of(io.kanary.detector.BreachTopology.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            return path + " (modified " + Files.getLastModifiedTime(path) + ")";
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
