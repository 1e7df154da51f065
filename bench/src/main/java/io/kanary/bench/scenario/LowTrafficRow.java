package io.kanary.bench.scenario;

import io.kanary.bench.TempDirs;
import io.kanary.detector.BreachTopology;
import io.kanary.detector.DetectorConfig;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The low-traffic row: a whole rollout of a version that fails 5% of its answers where the baseline
 * fails none, on 4 hosts in 4 batches, with 1 probe a second per instance and no traffic metrics,
 * judged by the real breach-detector topology (in a {@link TopologyTestDriver}, the wall clock
 * following the probe times) under {@link Policy#defaults()}: its default {@code evidenceWaitMs} and
 * {@code onInconclusive}. The planner's part is played by its rule for evidence: a batch advances
 * only on {@code judgement.healthy}; a rollback command rolls the deployment back; an inconclusive
 * judgement does what {@code onInconclusive} says (by default the deployment pauses: it stops at
 * that step for an operator). The row shows that such a version never silently passes every batch:
 * each run ends rolled back or stopped at an inconclusive step, and both are counted.
 *
 * <pre>LowTrafficRow [runs]   (default 50)</pre>
 */
public final class LowTrafficRow {
    static final int HOSTS = 4;
    static final int PROBES_PER_SECOND = 1;
    static final double BASELINE_ERRORS = 0.0;
    static final double REGRESSION_ERRORS = 0.05;
    /** The baseline is probed this long before the deployment starts, as a running fleet is. */
    static final Duration HISTORY = Duration.ofSeconds(60);
    /** From a batch's start until its host's new instance answers its first probe. */
    static final Duration INSTANCE_START = Duration.ofSeconds(2);
    private static final Duration WALL_CLOCK_STEP = Duration.ofMillis(100);
    private static final Instant T0 = ProbeStreamGenerator.T0;
    private static final String SERVICE = ProbeStreamGenerator.SERVICE;
    private static final String BASELINE = ProbeStreamGenerator.BASELINE;
    private static final String CANDIDATE = ProbeStreamGenerator.CANDIDATE;
    private static final String SOURCE = "/kanary/scenario-bench/low-traffic";

    /** How a run ended. */
    public enum End {
        ROLLED_BACK, STOPPED_INCONCLUSIVE,
        /** Every batch was judged healthy or passed: the regression went through unseen. */
        PASSED,
        /** Nothing decided within the run's horizon (the evidence waits of every batch, and more). */
        UNDECIDED
    }

    /**
     * @param batchesDone batches that advanced before the end
     * @param took        from the deployment's start to its end
     * @param why         the rollback's reason or the judgement's summary
     */
    public record Run(long seed, End end, int batchesDone, Duration took, String why) {
    }

    /**
     * The row: every run, and how many ended each way.
     *
     * @param candidateErrors the new version's share of failed answers
     * @param probesPerSecond probes a second per instance
     */
    public record Result(double candidateErrors, int probesPerSecond, List<Run> runs) {
        public long count(End end) {
            return runs.stream().filter(r -> r.end() == end).count();
        }

        /** The row as the bench prints it. */
        public String row() {
            long[] took = runs.stream().mapToLong(r -> r.took().toSeconds()).sorted().toArray();
            return String.format(Locale.ROOT, "low traffic: %d probe%s/s, no traffic metrics, %s | %d runs"
                            + " | rolled back %d | stopped inconclusive %d | passed %d | undecided %d"
                            + " | ended after median %d s, max %d s", probesPerSecond, probesPerSecond == 1 ? "" : "s",
                    candidateErrors > BASELINE_ERRORS ? String.format(Locale.ROOT, "%.0f%% error regression",
                            (candidateErrors - BASELINE_ERRORS) * 100) : "healthy version (control)",
                    runs.size(), count(End.ROLLED_BACK),
                    count(End.STOPPED_INCONCLUSIVE), count(End.PASSED), count(End.UNDECIDED),
                    took.length == 0 ? 0 : took[took.length / 2], took.length == 0 ? 0 : took[took.length - 1]);
        }
    }

    private LowTrafficRow() {
    }

    /**
     * The row, then two controls on the same rig: a version as healthy as its baseline at 1 probe/s (the
     * evidence wait is too short for its ~190 probes, so it stops too: low traffic cannot prove
     * anything either way in 2 minutes) and at 2 probes/s (it passes every batch).
     */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        System.out.println(run(runs).row());
        System.out.println(run(runs, BASELINE_ERRORS, PROBES_PER_SECOND).row());
        System.out.println(run(runs, BASELINE_ERRORS, 2).row());
    }

    /** Runs of the regression at 1 probe/s with seeds 1..runs. */
    public static Result run(int runs) {
        return run(runs, REGRESSION_ERRORS, PROBES_PER_SECOND);
    }

    /** Runs with seeds 1..runs of a new version that fails {@code candidateErrors} of its answers. */
    public static Result run(int runs, double candidateErrors, int probesPerSecond) {
        return new Result(candidateErrors, probesPerSecond, LongStream.rangeClosed(1, runs)
                .mapToObj(seed -> run(seed, candidateErrors, probesPerSecond)).toList());
    }

    /** One rollout, the same for the same seed. */
    public static Run run(long seed, double candidateErrors, int probesPerSecond) {
        Path stateDir = TempDirs.create("kanary-low-traffic-row");
        DetectorConfig config = DetectorConfig.defaults(KafkaSettings.bootstrap("unused:9092"))
                .withApplicationId("low-traffic-row").withStateDir(stateDir);
        try (TopologyTestDriver driver = new TopologyTestDriver(BreachTopology.build(config),
                config.streamsProperties(), T0)) {
            return new Rollout(driver, seed, candidateErrors, probesPerSecond).run();
        } finally {
            TempDirs.delete(stateDir);
        }
    }

    /** One rollout under way: the fleet's probes, the detector's outputs, and the planner's evidence rule. */
    private static final class Rollout {
        private final TopologyTestDriver driver;
        private final SplittableRandom random;
        private final long seed;
        private final double candidateErrors;
        private final int probesPerSecond;
        private final TestInputTopic<String, DeploymentEvent> deployEvents;
        private final TestInputTopic<String, ProbeResult> probes;
        private final TestOutputTopic<String, RollbackCommand> rollbacks;
        private final TestOutputTopic<String, Judgement> judgements;
        private final List<String> hosts = IntStream.rangeClosed(1, HOSTS).mapToObj(i -> "host-" + i).toList();
        /** Host → when its new instance answers; absent while it runs the baseline. */
        private final Map<String, Instant> updatedAt = new HashMap<>();
        private final Map<String, Double> phase = new HashMap<>();
        private final Policy policy = Policy.defaults();
        private final DeploymentEvent.Started started;
        private Instant wallClock = T0;
        private int batch;
        private long probeCount;
        private Run end;

        Rollout(TopologyTestDriver driver, long seed, double candidateErrors, int probesPerSecond) {
            this.driver = driver;
            this.seed = seed;
            this.candidateErrors = candidateErrors;
            this.probesPerSecond = probesPerSecond;
            this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ "low-traffic".hashCode());
            deployEvents = driver.createInputTopic(Topics.DEPLOY_EVENTS.name(), Serdes.String().serializer(),
                    Topics.DEPLOY_EVENTS.valueSerde().serializer());
            probes = driver.createInputTopic(Topics.HEALTH_PROBES.name(), Serdes.String().serializer(),
                    Topics.HEALTH_PROBES.valueSerde().serializer());
            rollbacks = driver.createOutputTopic(Topics.ROLLBACK_COMMANDS.name(), Serdes.String().deserializer(),
                    Topics.ROLLBACK_COMMANDS.valueSerde().deserializer());
            judgements = driver.createOutputTopic(Topics.JUDGEMENTS.name(), Serdes.String().deserializer(),
                    Topics.JUDGEMENTS.valueSerde().deserializer());
            hosts.forEach(h -> phase.put(h, random.nextDouble()));
            Map<String, String> previous = new HashMap<>();
            hosts.forEach(h -> previous.put(h, BASELINE));
            // The last host first, one host a batch.
            List<List<String>> batches = IntStream.range(0, HOSTS).mapToObj(i -> List.of(hosts.get(HOSTS - 1 - i))).toList();
            started = new DeploymentEvent.Started("started-" + seed, KanaryEvent.SCHEMA_VERSION, "low-traffic-" + seed,
                    SERVICE, CANDIDATE, BASELINE, previous, null, policy, batches, "scenario-bench", T0.plus(HISTORY));
        }

        Run run() {
            Instant deployed = started.at();
            // Longer than every batch's evidence wait and start together: a run that reaches it decided nothing.
            Instant horizon = deployed.plusMillis((policy.evidenceWaitMs() + 60_000) * started.batches().size());
            for (Instant second = T0; second.isBefore(horizon) && end == null; second = second.plusSeconds(1)) {
                if (second.equals(deployed)) {
                    deploy(started, deployed);
                    startBatch(0, deployed);
                }
                for (ProbeResult probe : probesOf(second)) {
                    tickTo(probe.probedAt());
                    if (end != null) {
                        break;
                    }
                    probes.pipeInput(new TestRecord<>(SERVICE, probe,
                            CloudEvents.headers(probe, "/kanary/health-watcher", null), probe.probedAt()));
                    react(probe.probedAt());
                    if (end != null) {
                        break;
                    }
                }
            }
            return end != null ? end : new Run(seed, End.UNDECIDED, batch, Duration.between(deployed, horizon),
                    "nothing decided in " + Duration.between(deployed, horizon).toSeconds() + " s");
        }

        /** Each host's probes in this second, evenly spaced from a random phase with ±5% jitter. */
        private List<ProbeResult> probesOf(Instant second) {
            List<ProbeResult> out = new ArrayList<>();
            double intervalMs = 1000.0 / probesPerSecond;
            for (int k = 0; k < probesPerSecond; k++) {
                for (String host : hosts) {
                    probe(out, host, second.plusMillis(Math.round(k * intervalMs)), intervalMs);
                }
            }
            out.sort(Comparator.comparing(ProbeResult::probedAt));
            return out;
        }

        private void probe(List<ProbeResult> out, String host, Instant slot, double intervalMs) {
            double jitter = (random.nextDouble() * 2 - 1) * ProbeStreamGenerator.JITTER * intervalMs;
            Instant at = slot.plusMillis(Math.round((phase.get(host) * 0.9 + 0.05) * intervalMs + jitter));
            Instant ready = updatedAt.get(host);
            if (ready != null && at.isBefore(ready)) {
                return; // its new instance is starting
            }
            boolean candidate = ready != null;
            double errors = candidate ? candidateErrors : BASELINE_ERRORS;
            boolean failed = random.nextDouble() < errors;
            long latency = Math.round(ProbeStreamGenerator.LATENCY_MEDIAN_MS
                    * Math.exp(ProbeStreamGenerator.LATENCY_SIGMA * gaussian()));
            String version = candidate ? CANDIDATE : BASELINE;
            out.add(new ProbeResult("probe-" + seed + "-" + ++probeCount, KanaryEvent.SCHEMA_VERSION, SERVICE,
                    version, host, "i-" + version + "-" + host, !failed, failed ? 500 : 200, latency, at, null));
        }

        /** Moves the wall clock up to {@code at} in small steps, so the detector's punctuations fire on time. */
        private void tickTo(Instant at) {
            while (end == null && Duration.between(wallClock, at).compareTo(WALL_CLOCK_STEP) >= 0) {
                driver.advanceWallClockTime(WALL_CLOCK_STEP);
                wallClock = wallClock.plus(WALL_CLOCK_STEP);
                react(wallClock);
            }
        }

        /** The planner's evidence rule on what the detector said. */
        private void react(Instant now) {
            if (!rollbacks.isEmpty()) {
                end = new Run(seed, End.ROLLED_BACK, batch, took(now), rollbacks.readValue().reason());
                return;
            }
            for (Judgement judgement : judgements.readValuesToList()) {
                if (end != null || judgement instanceof Judgement.Progress || judgement.batch() != batch) {
                    continue;
                }
                if (judgement instanceof Judgement.Healthy || policy.onInconclusive() == Policy.OnInconclusive.PASS) {
                    advance(now, judgement.summary());
                } else if (policy.onInconclusive() == Policy.OnInconclusive.ROLLBACK) {
                    end = new Run(seed, End.ROLLED_BACK, batch, took(now), judgement.summary());
                } else {
                    end = new Run(seed, End.STOPPED_INCONCLUSIVE, batch, took(now), judgement.summary());
                }
            }
        }

        private void advance(Instant now, String why) {
            if (batch + 1 == started.batches().size()) {
                end = new Run(seed, End.PASSED, batch + 1, took(now), why);
                return;
            }
            startBatch(batch + 1, now);
        }

        private void startBatch(int next, Instant at) {
            batch = next;
            List<String> batchHosts = started.batches().get(next);
            deploy(new DeploymentEvent.BatchStarted("batch-" + seed + "-" + next, KanaryEvent.SCHEMA_VERSION,
                    started.deploymentId(), SERVICE, next, batchHosts, at), at);
            batchHosts.forEach(h -> updatedAt.put(h, at.plus(INSTANCE_START)));
        }

        private void deploy(DeploymentEvent event, Instant at) {
            deployEvents.pipeInput(new TestRecord<>(SERVICE, event, CloudEvents.headers(event, SOURCE, null), at));
        }

        private Duration took(Instant now) {
            return Duration.between(started.at(), now);
        }

        /** A standard normal draw (Box-Muller), from the run's random only, so a seed fixes it. */
        private double gaussian() {
            double u = 1 - random.nextDouble();
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
        }
    }
}
