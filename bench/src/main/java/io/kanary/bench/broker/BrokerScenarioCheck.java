package io.kanary.bench.broker;

import io.kanary.bench.BenchArgs;
import io.kanary.bench.scenario.DetectorRun;
import io.kanary.bench.scenario.ProbeStream;
import io.kanary.bench.scenario.ProbeStreamGenerator;
import io.kanary.bench.scenario.Scenario;
import io.kanary.bench.scenario.Scenarios;
import io.kanary.detector.DetectorConfig;
import io.kanary.kafka.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The benchmark's scenarios through the real detector on the embedded broker, checked against the same
 * streams in {@link org.apache.kafka.streams.TopologyTestDriver} ({@link DetectorRun}): a few seeds
 * of each scenario, cut to a short horizon, each run its own service. Same verdict, same decisive
 * probe? Prints one table to stdout; progress goes to stderr.
 *
 * <pre>
 * BrokerScenarioCheck [--seeds 3] [--horizon-seconds 60] [--scenarios sudden-30%,healthy-1/s] [--commit-interval-ms 100]
 * </pre>
 */
public final class BrokerScenarioCheck {
    record Options(int seeds, Duration horizon, List<String> scenarios, Duration commitInterval) {
        Options {
            if (seeds < 1 || horizon.toSeconds() < 1 || commitInterval.toMillis() < 1) {
                throw new IllegalArgumentException("--seeds, --horizon-seconds and --commit-interval-ms must be at least 1");
            }
            scenarios.forEach(Scenarios::named); // an unknown name is refused here
        }

        List<Scenario> selected() {
            List<Scenario> chosen = scenarios.isEmpty() ? Scenarios.all() : scenarios.stream().map(Scenarios::named).toList();
            return chosen.stream().map(s -> s.withHorizon(horizon)).toList();
        }
    }

    /** BrokerScenarioCheck's command line. */
    @Command(name = "BrokerScenarioCheck",
            description = "A few seeds of each scenario through the detector on the embedded broker, checked against the "
                    + "same streams in the TopologyTestDriver; prints one table to stdout, progress to stderr.")
    static final class Flags {
        @Mixin
        BenchArgs.Help help;

        @Option(names = "--seeds", description = "Seeds of each scenario (default: ${DEFAULT-VALUE}).")
        int seeds = 3;

        @Option(names = "--horizon-seconds", paramLabel = "S", description = "Each run's length after the onset (default: ${DEFAULT-VALUE}).")
        long horizonSeconds = 60;

        @Option(names = "--scenarios", split = ",", paramLabel = "NAME", description = "Scenarios to run (default: all).")
        List<String> scenarios = List.of();

        @Option(names = "--commit-interval-ms", paramLabel = "MS", description = "The detector's commit interval (default: ${DEFAULT-VALUE}).")
        long commitMs = DetectorConfig.DEFAULT_COMMIT_INTERVAL.toMillis();

        Options options() {
            return new Options(seeds, Duration.ofSeconds(horizonSeconds), scenarios, Duration.ofMillis(commitMs));
        }
    }

    /** One seed of one scenario, judged both ways. */
    record Comparison(Scenario scenario, long seed, ProbeStream stream, BrokerFeed.Result broker, DetectorRun.Outcome ttd) {
        boolean sameVerdict() {
            return broker.rolledBack() == ttd.rolledBack();
        }

        /** Both rolled back at the same decisive probe time, or neither rolled back. */
        boolean sameDecisiveProbe() {
            return sameVerdict() && (!ttd.rolledBack() || ttd.command().issuedAt().equals(broker.decisiveAt()));
        }

        boolean sameReason() {
            return sameVerdict() && (!ttd.rolledBack() || ttd.command().reason().equals(broker.reason()));
        }

        String times() {
            return seconds(broker.decisiveAt()) + "|" + seconds(ttd.rolledBack() ? ttd.command().issuedAt() : null);
        }

        private String seconds(Instant at) {
            return at == null ? "-" : String.format(Locale.ROOT, "%.1f",
                    Duration.between(stream.onset(), at).toMillis() / 1e3);
        }
    }

    private BrokerScenarioCheck() {
    }

    public static void main(String[] args) {
        Options options = BenchArgs.parseOrExit(new Flags(), args, Flags::options);
        Instant started = Instant.now();
        String loadAtStart = LoadAverage.now();
        List<Comparison> comparisons = new ArrayList<>();
        int duplicates;
        long dlq;
        DetectorConfig config;
        try (BrokerRig rig = BrokerRig.start(options.commitInterval())) {
            config = rig.config();
            for (Scenario scenario : options.selected()) {
                if (scenario.warmup().plus(scenario.horizon()).compareTo(config.retention()) >= 0) {
                    // Every stream starts at T0 and the runs share one window store, whose expiry follows
                    // the latest probe time it has seen: a later run's first buckets could be dropped.
                    System.err.printf("warning: %s spans %s of probe time, not less than the detector's retention %s:"
                            + " the broker runs may lose early buckets that the driver keeps%n", scenario.name(),
                            scenario.warmup().plus(scenario.horizon()), config.retention());
                }
                for (long seed = 1; seed <= options.seeds(); seed++) {
                    String service = StreamRename.serviceFor(scenario.name(), seed);
                    ProbeStream stream = StreamRename.to(ProbeStreamGenerator.generate(scenario, seed), service);
                    BrokerFeed.Result broker = BrokerFeed.feed(rig, stream);
                    DetectorRun.Outcome ttd = DetectorRun.run(stream);
                    Comparison c = new Comparison(scenario, seed, stream, broker, ttd);
                    comparisons.add(c);
                    System.err.printf(Locale.ROOT, "%-18s seed %d: %d probes through the broker in %.1f s; decisive probe"
                                    + " (s after onset) broker|TTD %s%s%n", scenario.name(), seed, broker.probes(),
                            broker.took().toMillis() / 1e3, c.times(), broker.problem() == null ? "" : "; " + broker.problem());
                }
            }
            duplicates = rig.verdicts().duplicates();
            dlq = rig.endOffset(Topics.HEALTH_PROBES.dlqName()) + rig.endOffset(Topics.DEPLOY_EVENTS.dlqName());
        }
        print(System.out, options, config, started, Duration.between(started, Instant.now()), comparisons,
                loadAtStart, LoadAverage.now(), duplicates, dlq);
    }

    static void print(PrintStream out, Options options, DetectorConfig config, Instant started, Duration took,
                      List<Comparison> comparisons, String loadAtStart, String loadAtEnd, int duplicates, long dlq) {
        out.printf(Locale.ROOT, "kanary broker scenario check, %s, %.0f s; %d seeds per scenario, horizon %d s after the"
                        + " onset (30 s warm-up before it); detector commit.interval.ms %d%n",
                started.truncatedTo(ChronoUnit.SECONDS), took.toMillis() / 1e3, options.seeds(),
                options.horizon().toSeconds(), config.commitInterval().toMillis());
        out.println("the same streams through the real topology: on the embedded broker (as fast as it takes them)"
                + " and in TopologyTestDriver (DetectorRun)");
        out.printf(Locale.ROOT, "%-18s %5s %10s %10s %8s %15s %8s  %s%n", "scenario", "seeds", "broker RB", "TTD RB",
                "same", "same decisive", "same", "decisive probe, s after onset,");
        out.printf(Locale.ROOT, "%-18s %5s %10s %10s %8s %15s %8s  %s%n", "", "", "", "", "verdict", "probe time", "reason",
                "per seed (broker|TTD)");
        List<Scenario> scenarios = comparisons.stream().map(Comparison::scenario).distinct().toList();
        for (Scenario scenario : scenarios) {
            List<Comparison> rows = comparisons.stream().filter(c -> c.scenario().equals(scenario)).toList();
            int n = rows.size();
            out.printf(Locale.ROOT, "%-18s %5d %10s %10s %8s %15s %8s  %s%n", scenario.name(), n,
                    count(rows, c -> c.broker().rolledBack()), count(rows, c -> c.ttd().rolledBack()),
                    count(rows, Comparison::sameVerdict) + "/" + n, count(rows, Comparison::sameDecisiveProbe) + "/" + n,
                    count(rows, Comparison::sameReason) + "/" + n,
                    String.join(" ", rows.stream().map(Comparison::times).toList()));
        }
        out.println("(RB: runs rolled back; same decisive probe time: both rolled back at the same probe's time, or"
                + " neither did; same reason: the rollback commands' reason texts are equal)");
        List<Comparison> differing = comparisons.stream().filter(c -> !c.sameDecisiveProbe() || !c.sameReason()
                || c.broker().problem() != null).toList();
        for (Comparison c : differing) {
            out.printf(Locale.ROOT, "DIFFERS %s seed %d: broker %s at %s (%s)%s; TTD %s at %s (%s)%n", c.scenario().name(),
                    c.seed(), c.broker().rolledBack() ? "rolled back" : "no rollback", c.broker().decisiveAt(),
                    c.broker().reason(), c.broker().problem() == null ? "" : " [" + c.broker().problem() + "]",
                    c.ttd().rolledBack() ? "rolled back" : "no rollback",
                    c.ttd().rolledBack() ? c.ttd().command().issuedAt() : null,
                    c.ttd().rolledBack() ? c.ttd().command().reason() : null);
        }
        long chained = comparisons.stream().filter(c -> c.broker().rolledBack() && c.broker().problem() == null).count();
        long rolledBack = comparisons.stream().filter(c -> c.broker().rolledBack()).count();
        out.printf(Locale.ROOT, "broker rollbacks whose chain leads to a probe of their stream at the command's time: %d of %d;"
                + " duplicate commands or breaches: %d; dead letters: %d; probes fed: %d%n", chained, rolledBack, duplicates, dlq,
                comparisons.stream().mapToLong(c -> c.broker().probes()).sum());
        out.printf(Locale.ROOT, "load average (uptime) at start: %s; at end: %s%n", loadAtStart, loadAtEnd);
    }

    private static String count(List<Comparison> rows, Predicate<Comparison> p) {
        return Long.toString(rows.stream().filter(p).count());
    }

}
