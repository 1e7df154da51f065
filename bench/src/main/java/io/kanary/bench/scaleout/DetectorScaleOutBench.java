package io.kanary.bench.scaleout;

import io.kanary.bench.BenchArgs;
import io.kanary.bench.TempDirs;
import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.Ids;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.TopicPartitions;
import io.kanary.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One breach-detector process against two judging the same pre-loaded probes, side by side in one
 * run: an embedded broker with health.probes in {@code --partitions} partitions, ten services'
 * deployments and {@code --probes} probes written before any detector starts; then, repetition by
 * repetition, one process and then two (the order alternating) of a fresh application id read them
 * all. Each is timed from the moment its group holds every partition (the processes started and
 * joined) to the moment it has committed past the last probe; its CPU is the detector processes'
 * own over the same span. Prints records/s, CPU seconds per 1,000 probes and RSS per setting
 * (medians over the repetitions) and the ratio of two to one.
 */
public final class DetectorScaleOutBench {
    /** DetectorScaleOutBench's command line. */
    @Command(name = "DetectorScaleOutBench",
            description = "One breach-detector process vs two on the same pre-loaded probes; prints one table to stdout, "
                    + "progress to stderr.")
    static final class Flags {
        @Mixin
        BenchArgs.Help help;

        @Option(names = "--probes", description = "Probes written before the detectors start (default: ${DEFAULT-VALUE}).")
        int probes = 60_000;

        @Option(names = "--services", description = "Services the probes are spread over (default: ${DEFAULT-VALUE}).")
        int services = 10;

        @Option(names = "--partitions", description = "Partitions of health.probes and deploy.events (default: ${DEFAULT-VALUE}).")
        int partitions = TopicPartitions.DEFAULT_SCALED;

        @Option(names = "--repetitions", description = "Runs of each setting; medians are reported (default: ${DEFAULT-VALUE}).")
        int repetitions = 3;

        @Option(names = "--heap", description = "-Xmx of each detector process (default: ${DEFAULT-VALUE}).")
        String heap = "256m";

        @Option(names = "--run-timeout-seconds", paramLabel = "S", description = "Bound on one run (default: ${DEFAULT-VALUE}).")
        long timeoutSeconds = 600;

        Options options() {
            if (probes < 1 || services < 1 || partitions < 1 || repetitions < 1 || timeoutSeconds < 1) {
                throw new IllegalArgumentException("--probes, --services, --partitions, --repetitions and "
                        + "--run-timeout-seconds must be at least 1");
            }
            return new Options(probes, services, partitions, repetitions, heap, Duration.ofSeconds(timeoutSeconds));
        }
    }

    record Options(int probes, int services, int partitions, int repetitions, String heap, Duration runTimeout) {
    }

    /** One timed run: the records it judged while timed, over how long, with how much CPU, ending at what RSS. */
    record Run(int processes, long records, Duration wall, Duration cpu, long rssKiB, long before) {
        double recordsPerSecond() {
            return records / (wall.toNanos() / 1e9);
        }

        double cpuSecondsPer1000() {
            return cpu.toNanos() / 1e9 / records * 1000;
        }
    }

    private DetectorScaleOutBench() {
    }

    public static void main(String[] args) throws Exception {
        Options options = BenchArgs.parseOrExit(new Flags(), args, Flags::options);
        Path work = TempDirs.create("kanary-scaleout-bench");
        List<Run> runs = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Map<String, Object> kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
            TopicSetup.createTopics(kafka, new TopicPartitions(options.partitions()), (short) 1);
            long began = System.nanoTime();
            ScaleOutLoad.write(kafka, ScaleOutLoad.services(options.services()), options.probes());
            System.err.printf(Locale.ROOT, "%d probes of %d services written to %d partitions in %.1f s%n", options.probes(),
                    options.services(), options.partitions(), (System.nanoTime() - began) / 1e9);
            try (Admin admin = Admin.create(kafka)) {
                for (int rep = 1; rep <= options.repetitions(); rep++) {
                    for (int processes : rep % 2 == 1 ? new int[]{1, 2} : new int[]{2, 1}) {
                        Run run = run(broker.bootstrapServers(), admin, options, processes, work.resolve("rep" + rep + "-" + processes));
                        runs.add(run);
                        System.err.printf(Locale.ROOT, "repetition %d, %d process(es): %.0f records/s, %.3f CPU s per 1,000 "
                                        + "(%d records timed, %d judged before the group held every partition)%n", rep, processes,
                                run.recordsPerSecond(), run.cpuSecondsPer1000(), run.records(), run.before());
                    }
                }
            }
        } finally {
            TempDirs.delete(work);
        }
        print(options, runs);
    }

    /** Starts {@code processes} detectors of a fresh application id and times them through every probe. */
    private static Run run(String bootstrap, Admin admin, Options options, int processes, Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        String applicationId = "kanary-scaleout-" + Ids.newId();
        DetectorGroup group = new DetectorGroup(admin, applicationId);
        List<Integer> all = IntStream.range(0, options.partitions()).boxed().toList();
        long total = group.end(Topics.HEALTH_PROBES.name(), all);
        List<DetectorProcess> detectors = new ArrayList<>();
        try {
            for (int i = 1; i <= processes; i++) {
                // Every member counts as caught up: the first to join would otherwise keep the stateful tasks
                // until a probing rebalance minutes later, and the second would judge nothing.
                detectors.add(DetectorProcess.start("detector-" + i, bootstrap, applicationId, dir, options.heap(),
                        Map.of("KAFKA_ACCEPTABLE_RECOVERY_LAG", Long.toString(Long.MAX_VALUE))));
            }
            long deadline = System.nanoTime() + options.runTimeout().toNanos();
            while (!holdsEveryPartition(group, processes, options.partitions())) {
                pause(deadline, detectors, "the detectors to hold every partition");
            }
            long startNanos = System.nanoTime();
            long before = group.committed(Topics.HEALTH_PROBES.name());
            Duration cpuBefore = cpu(detectors);
            while (group.committed(Topics.HEALTH_PROBES.name()) < total) {
                pause(deadline, detectors, "the detectors to commit past every probe");
            }
            long endNanos = System.nanoTime();
            Duration cpu = cpu(detectors).minus(cpuBefore);
            long rss = detectors.stream().mapToLong(DetectorProcess::rssKiB).sum();
            return new Run(processes, total - before, Duration.ofNanos(endNanos - startNanos), cpu, rss, before);
        } finally {
            for (DetectorProcess detector : detectors) {
                detector.close();
            }
        }
    }

    private static boolean holdsEveryPartition(DetectorGroup group, int processes, int partitions) {
        try {
            Map<String, Set<Integer>> held = group.probePartitionsByMember();
            return held.size() == processes && held.values().stream().noneMatch(Set::isEmpty)
                    && held.values().stream().mapToInt(Set::size).sum() == partitions;
        } catch (IllegalStateException e) {
            return false; // the group does not exist until the first member joins
        }
    }

    /** Sleeps a poll's length; fails when the run is over time or a detector died. */
    private static void pause(long deadline, List<DetectorProcess> detectors, String waitingFor) throws InterruptedException {
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("Gave up waiting for " + waitingFor + "; see the logs of " + detectors.stream()
                    .map(d -> d.log().toString()).toList() + " (give --run-timeout-seconds more time on a loaded machine)");
        }
        Thread.sleep(100); // polling the cluster's view of the group: nothing to wait on
    }

    private static Duration cpu(List<DetectorProcess> detectors) {
        return detectors.stream().map(DetectorProcess::cpu).reduce(Duration.ZERO, Duration::plus);
    }

    private static void print(Options options, List<Run> runs) {
        System.out.printf(Locale.ROOT, "kanary detector scale-out bench: %d probes of %d services, health.probes in %d "
                        + "partitions, %d repetition(s), -Xmx%s per process; %d cores, load %s%n", options.probes(),
                options.services(), options.partitions(), options.repetitions(), options.heap(),
                Runtime.getRuntime().availableProcessors(), loadAverage());
        System.out.printf(Locale.ROOT, "%-12s %14s %18s %14s%n", "processes", "records/s", "CPU s per 1,000", "RSS MiB");
        double[] rates = new double[3];
        for (int processes : new int[]{1, 2}) {
            List<Run> of = runs.stream().filter(r -> r.processes() == processes).toList();
            rates[processes] = median(of.stream().mapToDouble(Run::recordsPerSecond).toArray());
            System.out.printf(Locale.ROOT, "%-12d %14.0f %18.3f %14.0f%n", processes, rates[processes],
                    median(of.stream().mapToDouble(Run::cpuSecondsPer1000).toArray()),
                    median(of.stream().mapToDouble(r -> r.rssKiB() / 1024.0).toArray()));
        }
        System.out.printf(Locale.ROOT, "two processes / one: %.2fx the records/s (medians)%n", rates[2] / rates[1]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
