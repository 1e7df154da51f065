package io.kanary.bench.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongFunction;

/**
 * Runs the traffic rows: every seed's stream through the breach-detector ({@link TrafficDetectorRun})
 * and, when a promtool is given, through the Flagger-style analysis checking every 60 s and every
 * 10 s ({@link FlaggerAnalysis}), all on the same generated streams.
 */
final class TrafficRows {
    /** Streams per promtool call: bounds the files written at once. */
    static final int PROMTOOL_BATCH = 100;
    private final ExecutorService pool;
    private final FlaggerAnalysis flagger;
    private final boolean feedTraffic;
    private final boolean runDetector;

    /** @param flagger null skips the Flagger columns */
    TrafficRows(ExecutorService pool, FlaggerAnalysis flagger, boolean feedTraffic) {
        this(pool, flagger, feedTraffic, true);
    }

    /** @param runDetector false skips the kanary column (to measure the others over many runs quickly) */
    TrafficRows(ExecutorService pool, FlaggerAnalysis flagger, boolean feedTraffic, boolean runDetector) {
        this.pool = pool;
        this.flagger = flagger;
        this.feedTraffic = feedTraffic;
        this.runDetector = runDetector;
    }

    TrafficOutcomes run(TrafficScenario scenario, int runs) throws InterruptedException, ExecutionException {
        LongFunction<TrafficStream> streams = seed -> TrafficStreamGenerator.generate(scenario, seed);
        long t = System.nanoTime();
        List<Future<Long>> futures = new ArrayList<>();
        for (long seed = 1; runDetector && seed <= runs; seed++) {
            long s = seed;
            futures.add(pool.submit(() -> {
                DetectorRun.Outcome outcome = TrafficDetectorRun.run(streams.apply(s), feedTraffic);
                return outcome.rolledBack() ? outcome.sinceOnset().toMillis() : null;
            }));
        }
        List<Long> kanary = new ArrayList<>();
        for (Future<Long> f : futures) {
            kanary.add(f.get());
        }
        System.err.printf(Locale.ROOT, runDetector ? "kanary   %-26s %d runs in %.1f s, %d rollbacks%n"
                : "kanary   %-26s not run (--traffic-skip-detector)%n", scenario.name(), runs,
                (System.nanoTime() - t) / 1e9, TrafficOutcomes.rollbacks(kanary));
        List<Long> every60 = new ArrayList<>();
        List<Long> every10 = new ArrayList<>();
        if (flagger != null) {
            t = System.nanoTime();
            double limit = scenario.policy().maxErrorRate();
            for (long from = 1; from <= runs; from += PROMTOOL_BATCH) {
                List<Future<TrafficStream>> batch = new ArrayList<>();
                for (long seed = from; seed < from + PROMTOOL_BATCH && seed <= runs; seed++) {
                    long s = seed;
                    batch.add(pool.submit(() -> streams.apply(s)));
                }
                List<TrafficStream> generated = new ArrayList<>();
                for (Future<TrafficStream> f : batch) {
                    generated.add(f.get());
                }
                every60.addAll(flagger.rollbackTimes(generated, FlaggerAnalysis.Config.flaggerDefault(limit)));
                every10.addAll(flagger.rollbackTimes(generated, FlaggerAnalysis.Config.every10s(limit)));
                if (runs > PROMTOOL_BATCH) {
                    System.err.printf(Locale.ROOT, "flagger  %-26s %d of %d runs%n", scenario.name(), every10.size(), runs);
                }
            }
            System.err.printf(Locale.ROOT, "flagger  %-26s %d runs in %.1f s, %d / %d rollbacks (every 60 s / 10 s)%n",
                    scenario.name(), runs, (System.nanoTime() - t) / 1e9, TrafficOutcomes.rollbacks(every60),
                    TrafficOutcomes.rollbacks(every10));
        }
        return new TrafficOutcomes(scenario, feedTraffic, kanary, every60, every10);
    }
}
