package io.kanary.detector;

import static io.kanary.detector.BreachTopologyTest.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.detector.verdict.RollbackReason;
import io.kanary.detector.verdict.TestName;
import io.kanary.schema.Breach;
import io.kanary.schema.Policy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The median against the baseline's, through the real topology, under the policy's defaults (median ×1.5,
 * p99 1 s and ×2, α 0.001). The baseline answers in about 40 ms, but 3 of every 100 of its answers take
 * about 400 ms, so its p99 is about 400 ms: a new version can be five times slower in the middle of its
 * distribution with its p99 under both p99 bounds (1 s, and 2 × 400 ms), which only the median test sees.
 * Both versions are probed 10 times a second; the baseline has served for a minute before the deployment.
 * Latencies are drawn from a seeded random generator, so each seed is one fixed stream.
 */
class MedianVsBaselineTest {
    static final Policy DEFAULTS = Policy.defaults();
    static final int PER_SECOND = 10;
    /** The deployment starts a minute into the baseline's probes. */
    static final long DEPLOYED_MS = 60_000;

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
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void shouldRollBackAMedianFiveTimesTheBaselinesWithItsP99UnderTheLimits(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Breach breach = judge(60, random, () -> around(random, 200)).orElseThrow();

        assertEquals(List.of(Breach.MEDIAN_LATENCY_MS, TestName.MEDIAN_BASELINE.label()),
                List.of(breach.metric(), breach.test()));
        assertEquals(200, breach.observed(), 200 * 0.1, "the median of the evidence's few dozen probes");
        assertEquals(40, breach.baseline(), 40 * 0.05);
        assertEquals(1.5 * breach.baseline(), breach.threshold(), 1e-9);
        assertEquals(Math.log(8 / DEFAULTS.alpha()), breach.statisticThreshold(), 1e-9, "an eighth of α");
        assertTrue(breach.detectedAt().isBefore(at(DEPLOYED_MS + 10_000)), "detected at " + breach.detectedAt());
        assertTrue(RollbackReason.of(breach).matches(
                "v2 median latency \\d{3} ms > 1\\.5 × baseline v1 median (39|40|41) ms = 6\\d ms over \\d+s "
                        + "\\(median vs baseline: log-LR \\d+\\.\\d ≥ 9\\.0; \\d+ probes vs \\d+\\)"), RollbackReason.of(breach));
    }

    @Test
    void shouldRollBackAMedianTwiceTheBaselines() {
        SplittableRandom random = new SplittableRandom(1);
        Breach breach = judge(60, random, () -> around(random, 80)).orElseThrow();

        assertEquals(List.of(Breach.MEDIAN_LATENCY_MS, TestName.MEDIAN_BASELINE.label()),
                List.of(breach.metric(), breach.test()));
        assertEquals(80, breach.observed(), 80 * 0.05);
    }

    @Test
    void shouldNotRollBackAMedianOnlyTwentyPercentAboveTheBaselinesOverFiveMinutes() {
        SplittableRandom random = new SplittableRandom(1);

        assertEquals(Optional.empty(), judge(300, random, () -> around(random, 48)));
    }

    @Test
    void shouldNotRollBackAFewMillisecondsOverAVeryFastBaselinesMedian() {
        // 1 ms → 4 ms is 4 × the baseline's median, but a command check's process start, not a slower service.
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < DEPLOYED_MS / 100; i++) {
            detector.probe("v1", true, 1 + random.nextInt(2), at(i * 100L));
        }
        detector.started("d-1", "v2", "v1", at(DEPLOYED_MS), DEFAULTS);
        for (int i = 0; i < 120 * PER_SECOND; i++) {
            Instant probedAt = at(DEPLOYED_MS + i * 100L);
            detector.probe("v1", true, 1 + random.nextInt(2), probedAt);
            detector.probe("v2", true, 3 + random.nextInt(3), probedAt);
        }

        assertTrue(detector.breaches.isEmpty(), () -> "breached: " + detector.breaches.readValuesToList());
    }

    @Test
    void shouldStillRollBackAFastBaselinesMedianExceededByMoreThanTheSlack() {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < DEPLOYED_MS / 100; i++) {
            detector.probe("v1", true, 1 + random.nextInt(2), at(i * 100L));
        }
        detector.started("d-1", "v2", "v1", at(DEPLOYED_MS), DEFAULTS);
        for (int i = 0; i < 60 * PER_SECOND && detector.breaches.isEmpty(); i++) {
            Instant probedAt = at(DEPLOYED_MS + i * 100L);
            detector.probe("v1", true, 1 + random.nextInt(2), probedAt);
            detector.probe("v2", true, 30 + random.nextInt(5), probedAt);
        }

        Breach breach = detector.breaches.readValuesToList().get(0);
        assertEquals(TestName.MEDIAN_BASELINE.label(), breach.test());
        assertEquals(breach.baseline() + 10, breach.threshold(), 1e-9, "the baseline's median + 10 ms");
    }

    @Test
    void shouldNotRollBackHealthyNoise() {
        // Both versions alike, and noisy: log-normal, median 40 ms, p99 about 125 ms.
        SplittableRandom random = new SplittableRandom(7);
        DoubleSupplier noisy = () -> 40 * Math.exp(0.49 * gaussian(random));
        for (int i = 0; i < DEPLOYED_MS / 100; i++) {
            detector.probe("v1", true, Math.round(noisy.getAsDouble()), at(i * 100L));
        }
        detector.started("d-1", "v2", "v1", at(DEPLOYED_MS), DEFAULTS);
        for (int i = 0; i < 300 * PER_SECOND; i++) {
            Instant probedAt = at(DEPLOYED_MS + i * 100L);
            detector.probe("v1", true, Math.round(noisy.getAsDouble()), probedAt);
            detector.probe("v2", true, Math.round(noisy.getAsDouble()), probedAt);
        }

        assertTrue(detector.breaches.isEmpty(), () -> "breached: " + detector.breaches.readValuesToList());
    }

    /** {@code seconds} of the new version answering as {@code candidateMs} says, over the tail-heavy baseline. */
    private Optional<Breach> judge(int seconds, SplittableRandom random, DoubleSupplier candidateMs) {
        for (int i = 0; i < DEPLOYED_MS / 100; i++) {
            detector.probe("v1", true, baselineMs(random, i), at(i * 100L));
        }
        detector.started("d-1", "v2", "v1", at(DEPLOYED_MS), DEFAULTS);
        int history = (int) (DEPLOYED_MS / 100);
        for (int i = 0; i < seconds * PER_SECOND && detector.breaches.isEmpty(); i++) {
            Instant probedAt = at(DEPLOYED_MS + i * 100L);
            detector.probe("v1", true, baselineMs(random, history + i), probedAt);
            detector.probe("v2", true, Math.round(candidateMs.getAsDouble()), probedAt);
        }
        List<Breach> breaches = detector.breaches.readValuesToList();
        assertTrue(breaches.size() <= 1, "one breach at most: " + breaches);
        return breaches.stream().findFirst();
    }

    /** The baseline: about 40 ms, but every 33rd answer (3%) about 400 ms. */
    private static long baselineMs(SplittableRandom random, int i) {
        return Math.round(around(random, i % 33 == 32 ? 400 : 40));
    }

    /** {@code medianMs}, spread by ±10% or so (log-normal, σ 0.1). */
    private static double around(SplittableRandom random, double medianMs) {
        return medianMs * Math.exp(0.1 * gaussian(random));
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
