package io.kanary.bench.broker;

import io.kanary.bench.BenchArgs;
import io.kanary.detector.DetectorConfig;
import io.kanary.kafka.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The detector's latency target on the embedded broker: "decisive probe produced → rollback command
 * readable by a read_committed consumer: ≤ 200 ms p99". Each run is its own deployment of its own
 * service ({@link LatencyRun}); warm-up runs come first and are not counted. Prints one table to
 * stdout; progress goes to stderr.
 *
 * <pre>
 * BrokerLatencyBench [--runs 200] [--warmup-runs 10] [--probe-interval-ms 20] [--failure-rate 0.6]
 *                    [--commit-interval-ms 100] [--run-timeout-seconds 30]
 * </pre>
 */
public final class BrokerLatencyBench {
    static final double TARGET_P99_MS = 200;

    record Options(int runs, int warmupRuns, Duration probeInterval, double failureRate, Duration commitInterval,
                   Duration runTimeout) {
        Options {
            if (runs < 1 || warmupRuns < 0 || probeInterval.toMillis() < 1 || commitInterval.toMillis() < 1
                    || runTimeout.toSeconds() < 1 || !(failureRate > 0 && failureRate <= 1)) {
                throw new IllegalArgumentException("runs, intervals and timeouts must be positive, the failure rate in (0, 1]");
            }
        }
    }

    /** BrokerLatencyBench's command line. */
    @Command(name = "BrokerLatencyBench",
            description = "Time from a failing probe's send to the rollback command on the embedded broker, over many runs; "
                    + "prints one table to stdout, progress to stderr.")
    static final class Flags {
        @Mixin
        BenchArgs.Help help;

        @Option(names = "--runs", description = "Measured runs (default: ${DEFAULT-VALUE}).")
        int runs = 200;

        @Option(names = "--warmup-runs", description = "Runs before the measured ones (default: ${DEFAULT-VALUE}).")
        int warmupRuns = 10;

        @Option(names = "--probe-interval-ms", paramLabel = "MS", description = "Time between probes (default: ${DEFAULT-VALUE}).")
        long intervalMs = 20;

        @Option(names = "--failure-rate", paramLabel = "0..1", description = "Share of the new version's probes that fail (default: ${DEFAULT-VALUE}).")
        double failureRate = 0.6;

        @Option(names = "--commit-interval-ms", paramLabel = "MS", description = "The detector's commit interval (default: ${DEFAULT-VALUE}).")
        long commitMs = DetectorConfig.DEFAULT_COMMIT_INTERVAL.toMillis();

        @Option(names = "--run-timeout-seconds", paramLabel = "S", description = "Bound on one run (default: ${DEFAULT-VALUE}).")
        long timeoutSeconds = 30;

        Options options() {
            return new Options(runs, warmupRuns, Duration.ofMillis(intervalMs), failureRate, Duration.ofMillis(commitMs),
                    Duration.ofSeconds(timeoutSeconds));
        }
    }

    private BrokerLatencyBench() {
    }

    public static void main(String[] args) {
        Options options = BenchArgs.parseOrExit(new Flags(), args, Flags::options);
        Instant started = Instant.now();
        String loadAtStart = LoadAverage.now();
        List<LatencySample> samples = new ArrayList<>();
        int duplicates;
        int unreadable;
        long dlq;
        DetectorConfig config;
        try (BrokerRig rig = BrokerRig.start(options.commitInterval())) {
            config = rig.config();
            System.err.printf(Locale.ROOT, "broker and breach-detector running in %.1f s%n",
                    Duration.between(started, Instant.now()).toMillis() / 1e3);
            LatencyRun runner = new LatencyRun(rig, options.probeInterval(), options.failureRate(), options.runTimeout());
            for (int i = 1; i <= options.warmupRuns() + options.runs(); i++) {
                LatencySample sample = runner.run(i);
                boolean warmup = i <= options.warmupRuns();
                if (!warmup) {
                    samples.add(sample);
                }
                progress(i, warmup, sample);
            }
            duplicates = rig.verdicts().duplicates();
            unreadable = rig.verdicts().unreadable();
            dlq = rig.endOffset(Topics.HEALTH_PROBES.dlqName()) + rig.endOffset(Topics.DEPLOY_EVENTS.dlqName());
        }
        String loadAtEnd = LoadAverage.now();
        print(System.out, options, config, started, Duration.between(started, Instant.now()), samples,
                loadAtStart, loadAtEnd, duplicates, unreadable, dlq);
    }

    private static void progress(int i, boolean warmup, LatencySample sample) {
        String what = warmup ? "warm-up" : "run";
        if (!sample.ok()) {
            System.err.printf(Locale.ROOT, "%s %d (%s): FAILED: %s%n", what, i, sample.service(), sample.problem());
        } else if (warmup || i % 20 == 0) {
            System.err.printf(Locale.ROOT, "%s %d (%s): %.1f ms from send, %.1f ms from ack, decided %.1f s in%n", what, i,
                    sample.service(), sample.fromSendMs(), sample.fromAckMs(), sample.decisiveAfterMs() / 1e3);
        }
    }

    static void print(PrintStream out, Options options, DetectorConfig config, Instant started, Duration took,
                      List<LatencySample> samples, String loadAtStart, String loadAtEnd, int duplicates,
                      int unreadable, long dlq) {
        List<LatencySample> ok = samples.stream().filter(LatencySample::ok).toList();
        out.printf(Locale.ROOT, "kanary broker latency bench, %s, %.0f s; embedded KRaft broker, breach-detector and clients in one JVM%n",
                started.truncatedTo(ChronoUnit.SECONDS), took.toMillis() / 1e3);
        out.printf(Locale.ROOT, "detector: exactly_once_v2, commit.interval.ms %d; %d measured runs after %d warm-up runs,"
                        + " each its own service svc-<i>: v2 probed every %d ms (%.0f%% failing), v1 every %d ms (1%% failing)%n",
                config.commitInterval().toMillis(), samples.size(), options.warmupRuns(), options.probeInterval().toMillis(),
                options.failureRate() * 100, options.probeInterval().toMillis() * 2);
        out.println("decisive probe -> its rollback command returned by a read_committed consumer's poll (ms)");
        out.printf(Locale.ROOT, "%-44s %5s %8s %8s %8s %8s%n", "measured from", "runs", "median", "p90", "p99", "max");
        if (!ok.isEmpty()) {
            row(out, "the decisive probe's send() call", LatencySummary.of(ok.stream().map(LatencySample::fromSendMs).toList()));
            LatencySummary fromAck = LatencySummary.of(ok.stream().map(LatencySample::fromAckMs).toList());
            row(out, "its send acknowledged (acks=all, callback)", fromAck);
            LatencySummary fromSend = LatencySummary.of(ok.stream().map(LatencySample::fromSendMs).toList());
            out.printf(Locale.ROOT, "target <= %.0f ms p99: from the ack %s (%.1f ms), from send() %s (%.1f ms)%n",
                    TARGET_P99_MS, verdict(fromAck), fromAck.p99(), verdict(fromSend), fromSend.p99());
            LatencySummary decided = LatencySummary.of(ok.stream().map(LatencySample::decisiveAfterMs).toList());
            out.printf(Locale.ROOT, "the decisive probe came %.2f s (median; max %.2f s) after a run's first probe;"
                            + " probes per run (median): %.0f%n", decided.median() / 1e3, decided.max() / 1e3,
                    LatencySummary.of(ok.stream().map(s -> (double) s.probesSent()).toList()).median());
        }
        out.printf(Locale.ROOT, "chain rollback.requested -> breach.detected -> decisive v2 probe of the run"
                + " (ce_causationid, breachId, detectedAt = issuedAt = probedAt) complete: %d of %d%n", ok.size(), samples.size());
        samples.stream().filter(s -> !s.ok()).forEach(s -> out.printf("  %s: %s%n", s.service(), s.problem()));
        out.printf(Locale.ROOT, "duplicate rollback commands or breaches: %d; unreadable: %d; dead letters: %d%n",
                duplicates, unreadable, dlq);
        out.printf(Locale.ROOT, "load average (uptime) at start: %s; at end: %s; %d cores, shared%n", loadAtStart, loadAtEnd,
                Runtime.getRuntime().availableProcessors());
    }

    private static String verdict(LatencySummary s) {
        return s.p99() <= TARGET_P99_MS ? "met" : "NOT met";
    }

    private static void row(PrintStream out, String label, LatencySummary s) {
        out.printf(Locale.ROOT, "%-44s %5d %8.1f %8.1f %8.1f %8.1f%n", label, s.count(), s.median(), s.p90(), s.p99(), s.max());
    }
}
