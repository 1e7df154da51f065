package io.kanary.bench.audit;

import io.kanary.bench.BenchArgs;
import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The audit at scale: probe records and a few deployments written into the embedded broker
 * ({@link AuditScaleData}), then at each size the audit in a child JVM with a small heap
 * ({@link ChildAudit}), a full replay and one deployment's timeline read over its own time side by
 * side. Sizes are cumulative: the 10M step adds 9M probes to the 1M step's. Prints one table to
 * stdout; progress goes to stderr.
 *
 * <pre>
 * AuditScaleBench [--probes 1000000,10000000] [--deployments-per-step 20] [--partitions 3] [--heap 256m]
 *                 [--timeout-seconds 3600]
 * </pre>
 */
public final class AuditScaleBench {
    record Options(List<Long> probes, int deploymentsPerStep, int partitions, String heap, Duration timeout) {
        Options {
            if (probes.isEmpty() || probes.stream().anyMatch(p -> p < 1) || deploymentsPerStep < 1 || partitions < 1
                    || timeout.toSeconds() < 1) {
                throw new IllegalArgumentException("probe counts, deployments, partitions and the timeout must be positive");
            }
            probes = probes.stream().sorted().toList();
        }
    }

    /** One size's measurements. */
    record Step(long probes, int deployments, String target, double writeSeconds, ChildAudit.Figures full,
                ChildAudit.Figures targeted) {
    }

    /** AuditScaleBench's command line. */
    @Command(name = "AuditScaleBench",
            description = "The audit's time and heap on millions of probe records: a full replay and one deployment's "
                    + "timeline, each in a child JVM with a small heap; prints one table to stdout, progress to stderr.")
    static final class Flags {
        @Mixin
        BenchArgs.Help help;

        @Option(names = "--probes", split = ",", paramLabel = "N", description = "Probe counts to measure at, cumulative "
                + "(default: 1000000,10000000).")
        List<Long> probes = List.of(1_000_000L, 10_000_000L);

        @Option(names = "--deployments-per-step", description = "Deployments written with each step's probes (default: ${DEFAULT-VALUE}).")
        int deployments = 20;

        @Option(names = "--partitions", description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
        int partitions = 3;

        @Option(names = "--heap", description = "The audit JVM's -Xmx (default: ${DEFAULT-VALUE}).")
        String heap = "256m";

        @Option(names = "--timeout-seconds", paramLabel = "S", description = "Bound on one audit (default: ${DEFAULT-VALUE}).")
        long timeoutSeconds = 3600;

        Options options() {
            return new Options(probes, deployments, partitions, heap, Duration.ofSeconds(timeoutSeconds));
        }
    }

    private AuditScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        Options options = BenchArgs.parseOrExit(new Flags(), args, Flags::options);
        Instant started = Instant.now();
        String loadAtStart = loadAverage();
        List<Step> steps = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            Map<String, Object> kafka = broker.clientProps(null);
            TopicSetup.createTopics(kafka, options.partitions(), (short) 1);
            long capacity = options.probes().get(options.probes().size() - 1);
            try (AuditScaleData data = new AuditScaleData(kafka, capacity)) {
                for (long size : options.probes()) {
                    steps.add(step(broker.bootstrapServers(), data, size, options));
                }
            }
        }
        print(System.out, options, started, Duration.between(started, Instant.now()), steps, loadAtStart,
                loadAverage());
    }

    /** Writes up to {@code size} probes, then audits them twice. */
    static Step step(String bootstrap, AuditScaleData data, long size, Options options) throws Exception {
        long began = System.nanoTime();
        data.write(options.deploymentsPerStep(), size - data.probes());
        double writeSeconds = (System.nanoTime() - began) / 1e9;
        System.err.printf(Locale.ROOT, "%,d probes and %d deployments written (this step in %.1f s)%n", data.probes(),
                data.deployments(), writeSeconds);
        ChildAudit.Figures full = ChildAudit.run(bootstrap, AuditScaleRun.FULL, options.heap(), options.timeout());
        System.err.println("full replay: " + full);
        String target = AuditScaleData.deploymentId(data.deployments() / 2);
        ChildAudit.Figures targeted = ChildAudit.run(bootstrap, target, options.heap(), options.timeout());
        System.err.println(target + ": " + targeted);
        return new Step(data.probes(), data.deployments(), target, writeSeconds, full, targeted);
    }

    static void print(PrintStream out, Options options, Instant started, Duration took, List<Step> steps,
                      String loadAtStart, String loadAtEnd) {
        out.printf(Locale.ROOT, "kanary audit scale bench, %s, %.0f s; embedded KRaft broker, every topic %d partitions; "
                        + "each audit in a child JVM with -Xmx%s%n", started.truncatedTo(ChronoUnit.SECONDS),
                took.toMillis() / 1e3, options.partitions(), options.heap());
        out.printf(Locale.ROOT, "load average (1 min) at start %s, at end %s%n", loadAtStart, loadAtEnd);
        out.printf(Locale.ROOT, "%-11s %-26s %11s %9s %9s %11s %13s %12s %13s %-9s %11s%n", "probes", "audit", "records read",
                "wall s", "CPU s", "records/s", "after GC MB", "heap max MB", "pool peaks MB", "chains", "probes summed");
        for (Step step : steps) {
            row(out, step.probes(), "full replay", step.full());
            row(out, step.probes(), step.target() + " (its own time)", step.targeted());
            if (step.full().ok() && step.targeted().ok() && step.targeted().wallMs() > 0) {
                out.printf(Locale.ROOT, "%-11s one deployment's timeline: %.1fx faster than a full replay, %.4f of its records%n",
                        "", step.full().wallMs() / (double) step.targeted().wallMs(),
                        step.targeted().records() / (double) step.full().records());
            }
        }
        out.println("CPU s: the audit JVM's CPU time, start-up, every thread and GC included; records/s: records read per wall second.");
        out.println("after GC: the most heap in use after any collection, an upper bound of what the audit keeps alive (a young "
                + "collection leaves the old generation's garbage); heap max: the most in use at any 10 ms sample, garbage "
                + "included; pool peaks: each heap pool's peak summed (an upper bound). The -Xmx is the bound that holds.");
        out.println("records read counts each event id once, and the undecodable; a deployment's timeline reads every decision "
                + "and only its own time's probes.");
    }

    private static void row(PrintStream out, long probes, String audit, ChildAudit.Figures f) {
        if (!f.ok()) {
            out.printf(Locale.ROOT, "%-11d %-26s FAILED (exit %d): %s%n", probes, audit, f.exitCode(), lastLine(f.errors()));
            return;
        }
        out.printf(Locale.ROOT, "%-11d %-26s %11d %9.1f %9.1f %,11.0f %13.1f %12.1f %13.1f %-9s %11d%n", probes, audit,
                f.records(), f.wallMs() / 1e3, f.cpuMs() / 1e3, f.recordsPerSecond(), f.heapAfterGcMaxBytes() / 1048576.0,
                f.heapSampledMaxBytes() / 1048576.0,
                f.heapPoolPeaksBytes() / 1048576.0, f.chains() ? "complete" : "BROKEN", f.probes());
    }

    /** The one-minute load average: on a shared machine, what the figures were measured beside. */
    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static String lastLine(String text) {
        String[] lines = text.split("\n");
        return lines[lines.length - 1];
    }
}
