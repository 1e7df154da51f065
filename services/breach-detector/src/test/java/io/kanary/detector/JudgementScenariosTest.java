package io.kanary.detector;

import static io.kanary.detector.BreachTopologyTest.at;
import static io.kanary.detector.BreachTopologyTest.slowOneIn;
import static io.kanary.detector.DetectorDriver.FAILED;
import static io.kanary.detector.DetectorDriver.OK;
import static io.kanary.detector.DetectorDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.detector.DetectorDriver.ProbeShape;
import io.kanary.detector.verdict.TestName;
import io.kanary.detector.verdict.RollbackReason;
import io.kanary.schema.Breach;
import io.kanary.schema.Policy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's scenario classes (bench/'s Scenarios), one deployment each, through the real topology: the verdict and
 * its explanation. Probe streams are deterministic (every n-th probe fails).
 */
class JudgementScenariosTest {
    /** The policy defaults: 5% errors, p99 1 s, 5 min window, 20 samples, α 0.001, ×2, 1% margin, 2 s blips. */
    static final Policy DEFAULTS = Policy.defaults();

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

    @Test
    void shouldRollBackSuddenThirtyPercentErrorRateWithinSeconds() {
        detector.started("d-1", "v2", "v1", T0, DEFAULTS);
        detector.traffic(10, 10, at(0), "v2", healthy(), "v1", healthy());
        Instant onset = at(10_000);
        detector.traffic(20, 10, onset, "v2", failingOneInThreeAndAHalf(), "v1", ProbeShape.failingOneIn(100));

        Breach breach = onlyBreach();
        assertEquals(TestName.ERROR_RATE_BASELINE.label(), breach.test(), "held to the baseline's 0% + 1%, not the 5% limit");
        // 10 s into the deployment, not knowing the onset costs log((j+1)(j+2)) ≈ 4.9 nats.
        assertTrue(Duration.between(onset, breach.detectedAt()).toMillis() <= 6_000,
                "detected " + Duration.between(onset, breach.detectedAt()) + " after onset");
        assertTrue(breach.observed() > 0.2, "observed " + breach.observed());
        assertFalse(breach.firstBadProbeAt().isBefore(onset), "the evidence starts at the onset");
        assertExplained(breach, DEFAULTS);
    }

    @Test
    void shouldRollBackFivePercentAgainstOnePercentBaselineThroughBaselineTest() {
        detector.started("d-1", "v2", "v1", T0, DEFAULTS);
        detector.traffic(30, 50, at(0), "v2", ProbeShape.failingOneIn(20), "v1", ProbeShape.failingOneIn(100));

        Breach breach = onlyBreach();
        assertEquals(TestName.ERROR_RATE_BASELINE.label(), breach.test(), "5% is not above the 5% limit");
        assertEquals(0.05, breach.observed(), 0.01);
        // The baseline's usual rate, counted generously: the Wilson upper bound of its 1% over ~1,500 probes.
        assertTrue(breach.baseline() > 0.01 && breach.baseline() < 0.02, "baseline " + breach.baseline());
        assertEquals(breach.baseline() + DEFAULTS.errorRateMargin(), breach.threshold(), 1e-9);
        assertExplained(breach, DEFAULTS);
        assertTrue(RollbackReason.of(breach).matches("v2 error rate 5\\.\\d% > baseline v1 1\\.\\d% \\+ 1\\.0% margin over .*"),
                RollbackReason.of(breach));
    }

    @Test
    void shouldNotRollBackHealthyVersionAtOnePercentBackground() {
        detector.started("d-1", "v2", "v1", T0, DEFAULTS);
        detector.traffic(60, 20, at(0), "v2", ProbeShape.failingOneIn(100), "v1", ProbeShape.failingOneIn(100));

        assertTrue(detector.breaches.isEmpty());
        assertTrue(detector.rollbacks.isEmpty());
    }

    @Test
    void shouldNotRollBackWhenBaselineAndNewVersionDegradeTogether() {
        detector.started("d-1", "v2", "v1", T0, DEFAULTS);
        detector.traffic(10, 10, at(0), "v2", healthy(), "v1", healthy());
        // A shared dependency fails: both versions lose 30% of their probes from 10 s on.
        detector.traffic(30, 10, at(10_000), "v2", failingOneInThreeAndAHalf(), "v1", failingOneInThreeAndAHalf());

        assertTrue(detector.breaches.isEmpty(), "the baseline fails as much: not the new version's fault");
    }

    @Test
    void shouldNotRollBackForOneSlowProbe() {
        detector.started("d-1", "v2", "v1", T0, DEFAULTS);
        detector.traffic(5, 10, at(0), "v2", healthy(), "v1", healthy());
        detector.probe("v2", OK, 30_000, at(5_050));
        detector.traffic(20, 10, at(6_000), "v2", healthy(), "v1", healthy());

        assertTrue(detector.breaches.isEmpty());
    }

    @Test
    void shouldNotRollBackForOneSecondOutageOfOneHost() {
        detector.started("d-1", "v2", "v1", T0, DEFAULTS);
        detector.traffic(5, 10, at(0), "v2", healthy(), "v1", healthy());
        // One host of the new version answers nothing for one second (straddling two buckets), at 20 probes/s.
        hostDown(5_500, 20, false);
        detector.traffic(20, 10, at(6_500), "v2", ProbeShape.failingOneIn(100), "v1", ProbeShape.failingOneIn(100));

        assertTrue(detector.breaches.isEmpty());
    }

    @Test
    void shouldRollBackWhenTheOutageOutlastsTheTolerance() {
        detector.started("d-1", "v2", "v1", T0, DEFAULTS);
        detector.traffic(5, 10, at(0), "v2", healthy(), "v1", healthy());
        // The new version's host stops answering for good (probes time out after 2 s): past the 2 s
        // tolerance its run of failures counts in full. Its timeouts are failures, not slow answers.
        hostDown(5_500, 100, true);

        Breach breach = onlyBreach();
        long afterOnset = Duration.between(at(5_500), breach.detectedAt()).toMillis();
        assertTrue(afterOnset >= DEFAULTS.outageToleranceMs() && afterOnset <= DEFAULTS.outageToleranceMs() + 1_000,
                "detected " + afterOnset + " ms into the outage");
        assertExplained(breach, DEFAULTS);
    }

    @Test
    void shouldRollBackWhenTheHostGoesDownASecondTime() {
        detector.started("d-1", "v2", "v1", T0, DEFAULTS);
        detector.traffic(5, 10, at(0), "v2", healthy(), "v1", healthy());
        for (int outage = 0; outage < 2; outage++) {
            long downAt = 5_500 + outage * 6_000L;
            hostDown(downAt, 20, false);
            detector.traffic(5, 10, at(downAt + 1_000), "v2", healthy(), "v1", healthy());
            if (outage == 0) {
                assertTrue(detector.breaches.isEmpty(), "one blip decides nothing");
            }
        }

        Breach breach = onlyBreach();
        assertFalse(breach.detectedAt().isBefore(at(11_500)), "decided by the second outage, at " + breach.detectedAt());
        assertExplained(breach, DEFAULTS);
    }

    @Test
    void shouldRollBackWhenP99LatencyIsFiveTimesTheLimit() {
        detector.started("d-1", "v2", "v1", T0, DEFAULTS);
        detector.traffic(10, 10, at(0), "v2", latency(200), "v1", latency(200));
        detector.traffic(10, 10, at(10_000), "v2", latency(5_000), "v1", latency(200));

        Breach breach = onlyBreach();
        assertEquals(List.of(Breach.P99_LATENCY_MS, TestName.P99_LIMIT.label(), 1_000.0),
                List.of(breach.metric(), breach.test(), breach.threshold()));
        assertEquals(5_000, breach.observed(), 5_000 * 0.01);
        assertEquals(200, breach.baseline(), 200 * 0.01);
        assertTrue(Duration.between(at(10_000), breach.detectedAt()).toMillis() <= 3_000);
        assertExplained(breach, DEFAULTS);
    }

    @Test
    void shouldRollBackWhenP99IsMoreThanTwiceTheBaselinesWithEnoughSamples() {
        detector.started("d-1", "v2", "v1", T0, DEFAULTS);
        // Below the 1 s limit, but one probe in ten takes 300 ms where the baseline's p99 is 100 ms.
        detector.traffic(10, 10, at(0), "v2", latency(100), "v1", latency(100));
        assertTrue(detector.breaches.isEmpty(), "fewer than 100 probes per side: a p99 is just the maximum");
        detector.traffic(10, 20, at(10_000), "v2", slowOneIn(10, 300), "v1", latency(100));

        Breach breach = onlyBreach();
        assertEquals(List.of(Breach.P99_LATENCY_MS, TestName.P99_BASELINE.label()),
                List.of(breach.metric(), breach.test()));
        assertEquals(100, breach.baseline(), 100 * 0.01);
        assertEquals(2 * breach.baseline(), breach.threshold(), 1e-9);
        assertEquals(300, breach.observed(), 300 * 0.01);
        assertExplained(breach, DEFAULTS);
        assertTrue(RollbackReason.of(breach).matches("v2 p99 latency (29|30)\\d ms > 2 × baseline v1 10\\d ms = 20\\d ms .*"),
                RollbackReason.of(breach));
    }

    /**
     * The new version's host times out (2 s) on {@code probes} probes, 20 a second from {@code fromMs}
     * on; with {@code baseline}, the baseline answers well at the same moments.
     */
    private void hostDown(long fromMs, int probes, boolean baseline) {
        for (int i = 0; i < probes; i++) {
            if (baseline) {
                detector.probe("v1", OK, 40, at(fromMs + i * 50L));
            }
            detector.probe("v2", FAILED, 2_000, at(fromMs + i * 50L));
        }
    }

    /** Every explanation field present and consistent with the others. */
    static void assertExplained(Breach breach, Policy policy) {
        List.of(breach.metric(), breach.test(), breach.statistic(), breach.statisticThreshold(), breach.firstBadProbeAt(),
                breach.detectedAt(), breach.baselineVersion(), breach.baseline()).forEach(field -> assertNotNull(field));
        // The error tests and the p99 limit test each have a quarter of α; the two latency tests against the
        // baseline an eighth each.
        boolean againstBaselineLatency = breach.test().equals(TestName.P99_BASELINE.label())
                || breach.test().equals(TestName.MEDIAN_BASELINE.label());
        assertEquals(Math.log((againstBaselineLatency ? 8 : 4) / policy.alpha()), breach.statisticThreshold(), 1e-9,
                "log(1/(share × α))");
        assertTrue(breach.statistic() >= breach.statisticThreshold(), "the test concluded");
        assertTrue(breach.observed() > breach.threshold(), breach.observed() + " > " + breach.threshold());
        assertTrue(breach.samples() >= policy.minSamples(), "samples " + breach.samples());
        assertFalse(breach.firstBadProbeAt().isAfter(breach.detectedAt()), "first bad probe before the decision");
        assertTrue(breach.windowMs() > 0 && breach.windowMs() <= policy.windowMs(), "window " + breach.windowMs());
        if (breach.test().equals(TestName.ERROR_RATE_BASELINE.label())) {
            assertTrue(breach.baselineSamples() >= policy.minSamples(), "baseline samples " + breach.baselineSamples());
        }
        if (breach.test().equals(TestName.P99_BASELINE.label())) {
            assertEquals(policy.maxP99Ratio() * breach.baseline(), breach.threshold(), 1e-9);
        }
        String reason = RollbackReason.of(breach);
        assertTrue(reason.startsWith(breach.version() + " ") && reason.contains(breach.test()), reason);
    }

    private Breach onlyBreach() {
        List<Breach> breaches = detector.breaches.readValuesToList();
        assertEquals(1, breaches.size(), "exactly one breach: " + breaches);
        assertEquals(List.of(breaches.get(0).deploymentId()), detector.rolledBackDeployments());
        return breaches.get(0);
    }

    private static ProbeShape healthy() {
        return (i, at) -> false;
    }

    /** 2 of every 7 probes fail: 28.6%. */
    private static ProbeShape failingOneInThreeAndAHalf() {
        return (i, at) -> i % 7 == 2 || i % 7 == 5;
    }

    private static ProbeShape latency(long ms) {
        return new ProbeShape() {
            @Override
            public boolean fails(int i, Instant at) {
                return false;
            }

            @Override
            public long latencyMs(int i, Instant at) {
                return ms;
            }
        };
    }
}
