package io.kanary.bench.watcher;

import io.kanary.bench.BenchArgs;
import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.KafkaSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The health-watcher's throughput: for each asked rate (instances × 10 probes/s at 100 ms), the real
 * watcher in a JVM of its own probes real HTTP instances (in this JVM) and publishes to the embedded
 * broker (in this JVM); each rate runs with one probe loop (the watcher before it was sharded) and
 * with the given loops, side by side in each repetition, and the table prints the medians over the
 * repetitions.
 */
public final class WatcherThroughputBench {

    record Options(List<Integer> rates, int repetitions, int loops, long intervalMs, Duration warmup, Duration window) {
        Options {
            rates = List.copyOf(rates);
            if (rates.isEmpty() || rates.stream().anyMatch(r -> r < 1) || repetitions < 1 || loops < 1 || intervalMs < 1
                    || warmup.isNegative() || window.toMillis() < 1_000) {
                throw new IllegalArgumentException("rates, repetitions, loops and the interval must be positive, "
                        + "the window at least 1 s");
            }
        }

        /** The loop settings each rate runs with: one loop (the old watcher), then {@code loops}. */
        List<Integer> loopSettings() {
            return loops == 1 ? List.of(1) : List.of(1, loops);
        }
    }

    @Command(name = "WatcherThroughputBench",
            description = "Probes/s the health-watcher sustains at each asked rate, with one probe loop and with several; "
                    + "prints one table to stdout, progress to stderr.")
    static final class Flags {
        @Mixin
        BenchArgs.Help help;

        @Option(names = "--rates", split = ",", paramLabel = "PROBES_PER_S",
                description = "Asked probe rates (default: ${DEFAULT-VALUE}).")
        List<Integer> rates = List.of(5_000, 10_000, 20_000, 30_000);

        @Option(names = "--repetitions", description = "Runs of each rate and setting; the table shows medians (default: ${DEFAULT-VALUE}).")
        int repetitions = 3;

        @Option(names = "--loops", description = "Probe loops of the sharded setting (default: available processors, ${DEFAULT-VALUE}).")
        int loops = Runtime.getRuntime().availableProcessors();

        @Option(names = "--interval-ms", paramLabel = "MS", description = "Probe interval (default: ${DEFAULT-VALUE}).")
        long intervalMs = 100;

        @Option(names = "--warmup-seconds", paramLabel = "S", description = "Probing before the window (default: ${DEFAULT-VALUE}).")
        long warmupSeconds = 5;

        @Option(names = "--window-seconds", paramLabel = "S", description = "The measured window (default: ${DEFAULT-VALUE}).")
        long windowSeconds = 10;

        Options options() {
            return new Options(rates, repetitions, loops, intervalMs, Duration.ofSeconds(warmupSeconds),
                    Duration.ofSeconds(windowSeconds));
        }
    }

    private WatcherThroughputBench() {
    }

    public static void main(String[] args) {
        Options options = BenchArgs.parseOrExit(new Flags(), args, Flags::options);
        Instant started = Instant.now();
        List<RunFigures> runs = run(options, System.err);
        WatcherTable.print(System.out, options, runs, Duration.between(started, Instant.now()));
    }

    /** Every run of {@code options}, in the order they ran; progress to {@code progress}. */
    static List<RunFigures> run(Options options, PrintStream progress) {
        int mostInstances = (int) (options.rates().stream().mapToInt(Integer::intValue).max().orElseThrow()
                * options.intervalMs() / 1_000);
        Path logs = WatcherRun.logDirectory();
        List<RunFigures> runs = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             HealthServers servers = HealthServers.start(mostInstances)) {
            var kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
            TopicSetup.createTopics(kafka, 1, (short) 1);
            progress.printf(Locale.ROOT, "broker and %d HTTP instances up; watcher logs in %s%n", mostInstances, logs);
            try (WatcherRun runner = new WatcherRun(kafka, broker.bootstrapServers(), servers, logs)) {
                for (int rep = 1; rep <= options.repetitions(); rep++) {
                    for (int rate : options.rates()) {
                        for (int loops : options.loopSettings()) {
                            RunFigures f = runner.run(rate, loops, options.intervalMs(), options.warmup(), options.window());
                            runs.add(f);
                            progress.printf(Locale.ROOT, "rep %d: %s%n", rep, WatcherTable.row(f));
                        }
                    }
                }
            }
        }
        return runs;
    }
}
