package io.kanary.detector;

import static io.kanary.detector.BreachTopologyTest.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.detector.verdict.TestName;
import io.kanary.schema.Breach;
import io.kanary.schema.Policy;
import io.kanary.schema.TrafficSample.LatencyBucket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The median test on probes beside real traffic whose histograms have the common coarse buckets (5, 10, 25,
 * 50, 100, 250, 500 ms, 1, 2.5, 5 s), through the real topology under the policy's defaults (median ×1.5).
 * Each version has 10 probes a second and three instances serving 100 requests a second, their latencies
 * log-normal around a median of 80 ms (σ 0.49) times the version's factor; the baseline has served for a
 * minute before the deployment. A median ×2 (80 → 160 ms) puts most of the new version's requests in
 * (100, 250], a bucket straddling 1.5 × the baseline's median: the requests cannot show it, ten times as many
 * as the probes, which can.
 */
class MedianOnTrafficTest {
    static final Policy POLICY = Policy.defaults().withStartupGraceMs(0);
    static final long DEPLOYED_MS = 60_000;
    static final double[] BOUNDS_MS = {5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000};
    static final List<String> INSTANCES = List.of("a", "b", "c");

    @TempDir
    Path stateDir;
    DetectorDriver detector;

    @BeforeEach
    void startDriver() {
        detector = new DetectorDriver(stateDir);
    }

    @AfterEach
    void closeDriver() {
        detector.close();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void shouldRollBackAMedianTwiceTheBaselinesDespiteStraddlingRequests(long seed) {
        Breach breach = judge(new SplittableRandom(seed), 2, 60, true).orElseThrow();

        assertEquals(List.of(Breach.MEDIAN_LATENCY_MS, TestName.MEDIAN_BASELINE.label()),
                List.of(breach.metric(), breach.test()));
        // The probes' bound: 1.5 × the baseline probes' median of about 80 ms.
        assertEquals(120, breach.threshold(), 120 * 0.1);
        assertTrue(breach.detectedAt().isBefore(at(DEPLOYED_MS + 20_000)), "detected at " + breach.detectedAt());
    }

    @Test
    void shouldRollBackTheSameRegressionOnProbesAloneAsBefore() {
        Breach breach = judge(new SplittableRandom(1), 2, 60, false).orElseThrow();

        assertEquals(TestName.MEDIAN_BASELINE.label(), breach.test());
        assertTrue(breach.detectedAt().isBefore(at(DEPLOYED_MS + 10_000)), "detected at " + breach.detectedAt());
    }

    @Test
    void shouldNotRollBackHealthyCoarseBucketTrafficOverFiveMinutes() {
        assertEquals(Optional.empty(), judge(new SplittableRandom(7), 1, 300, true));
    }

    @Test
    void shouldNotRollBackRequestsThatMoveWithinTheBucketStraddlingTheBound() {
        // The baseline's requests all in (50, 100], the new version's all in (100, 250]: the medians may be 90
        // and 110 ms, well within 1.5 ×. The probes of both answer alike.
        SplittableRandom random = new SplittableRandom(5);
        for (int s = 0; s < (DEPLOYED_MS + 180_000) / 1_000; s++) {
            long startMs = s * 1_000L;
            if (startMs == DEPLOYED_MS) {
                detector.started("d-1", "v2", "v1", at(DEPLOYED_MS), POLICY);
            }
            for (int p = 0; p < 10; p++) {
                detector.probe("v1", true, Math.round(latency(random, 1)), at(startMs + p * 100L));
                if (startMs >= DEPLOYED_MS) {
                    detector.probe("v2", true, Math.round(latency(random, 1)), at(startMs + p * 100L));
                }
            }
            for (String instance : INSTANCES) {
                detector.sample("v1", "v1-" + instance, at(startMs), 100, 0, allWithin(100, 50));
                if (startMs >= DEPLOYED_MS) {
                    detector.sample("v2", "v2-" + instance, at(startMs), 100, 0, allWithin(250, 100));
                }
            }
        }

        assertTrue(detector.breaches.isEmpty(), () -> "breached: " + detector.breaches.readValuesToList());
    }

    /**
     * A minute of the baseline alone, then {@code seconds} of both, the new version's latencies × {@code factor};
     * with {@code withTraffic}, each version's three instances' samples beside its probes.
     */
    private Optional<Breach> judge(SplittableRandom random, double factor, int seconds, boolean withTraffic) {
        for (int s = 0; s < (DEPLOYED_MS + seconds * 1_000L) / 1_000 && detector.breaches.isEmpty(); s++) {
            long startMs = s * 1_000L;
            boolean deployed = startMs >= DEPLOYED_MS;
            if (startMs == DEPLOYED_MS) {
                detector.started("d-1", "v2", "v1", at(DEPLOYED_MS), POLICY);
            }
            for (int p = 0; p < 10; p++) {
                detector.probe("v1", true, Math.round(latency(random, 1)), at(startMs + p * 100L));
                if (deployed) {
                    detector.probe("v2", true, Math.round(latency(random, factor)), at(startMs + p * 100L));
                }
            }
            if (withTraffic) {
                for (String instance : INSTANCES) {
                    detector.sample("v1", "v1-" + instance, at(startMs), 100, 0, histogram(random, 100, 1));
                    if (deployed) {
                        detector.sample("v2", "v2-" + instance, at(startMs), 100, 0, histogram(random, 100, factor));
                    }
                }
            }
        }
        List<Breach> breaches = detector.breaches.readValuesToList();
        assertTrue(breaches.size() <= 1, "one breach at most: " + breaches);
        return breaches.stream().findFirst();
    }

    /** {@code requests} latencies drawn as the probes', counted into the coarse buckets (cumulative). */
    private static List<LatencyBucket> histogram(SplittableRandom random, int requests, double factor) {
        long[] atMost = new long[BOUNDS_MS.length];
        for (int r = 0; r < requests; r++) {
            double ms = latency(random, factor);
            for (int b = 0; b < BOUNDS_MS.length; b++) {
                atMost[b] += ms <= BOUNDS_MS[b] ? 1 : 0;
            }
        }
        List<LatencyBucket> buckets = new ArrayList<>();
        for (int b = 0; b < BOUNDS_MS.length; b++) {
            buckets.add(new LatencyBucket(BOUNDS_MS[b], atMost[b]));
        }
        return buckets;
    }

    /** Every request within {@code highMs} and over {@code lowMs}. */
    private static List<LatencyBucket> allWithin(double highMs, double lowMs) {
        List<LatencyBucket> buckets = new ArrayList<>();
        for (double bound : BOUNDS_MS) {
            buckets.add(new LatencyBucket(bound, bound <= lowMs ? 0 : bound >= highMs ? 100 : 0));
        }
        return buckets;
    }

    /** Log-normal, median 80 ms × {@code factor}, σ 0.49. */
    private static double latency(SplittableRandom random, double factor) {
        double u = 1 - random.nextDouble();
        double gaussian = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
        return 80 * factor * Math.exp(0.49 * gaussian);
    }
}
