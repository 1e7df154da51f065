package io.kanary.detector;

import static io.kanary.detector.BreachTopologyTest.at;
import static io.kanary.detector.DetectorDriver.FAILED;
import static io.kanary.detector.DetectorDriver.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.schema.Breach;
import io.kanary.schema.Policy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cold instance of the new version, through the real topology: its first answers are slow (a JVM
 * before its code is compiled and its pools are filled) and then it settles at the baseline's 40 ms.
 * The baseline has answered in 40 ms for a minute before the deployment; both are probed 10 times a
 * second; the policy's defaults (3 good answers in a row pass an instance as healthy) with a 10 s
 * start-up grace.
 */
class ColdStartTest {
    static final Policy GRACE_10S = Policy.defaults().withStartupGraceMs(10_000);
    static final long DEPLOYED_MS = 60_000;

    @TempDir
    Path stateDir;
    DetectorDriver detector;

    @BeforeEach
    void startDriver() {
        detector = new DetectorDriver(stateDir);
        detector.probes(600, "v1", OK, 40, at(0));
    }

    @AfterEach
    void closeDriver() {
        detector.close();
    }

    @Test
    void shouldNotRollBackAnInstanceWhoseFirstThreeSecondsOfAnswersAreSlow() {
        detector.started("d-1", "v2", "v1", at(DEPLOYED_MS), GRACE_10S);
        answers(30, 800, 0);
        answers(1_200, 40, 3_000);

        assertTrue(detector.breaches.isEmpty(), () -> "its start-up is not its version's latency: "
                + detector.breaches.readValuesToList());
    }

    @Test
    void shouldNotRollBackAnInstanceThatFailsThenAnswersSlowlyThenSettles() {
        detector.started("d-1", "v2", "v1", at(DEPLOYED_MS), GRACE_10S);
        probesOfV2(20, FAILED, 1_000, 0);
        answers(30, 800, 2_000);
        answers(1_200, 40, 5_000);

        assertTrue(detector.breaches.isEmpty(), () -> "breached: " + detector.breaches.readValuesToList());
    }

    @Test
    void shouldRollBackTheSameSlownessWhenItOutlastsTheGrace() {
        detector.started("d-1", "v2", "v1", at(DEPLOYED_MS), GRACE_10S);
        // Slow for 13 s: the first 10 s are its start-up, the 3 s past the grace are its version's.
        answers(130, 800, 0);
        answers(1_200, 40, 13_000);

        Breach breach = detector.breaches.readValue();
        assertEquals(at(DEPLOYED_MS + 10_000), breach.firstBadProbeAt(), "the first slow answer past the grace");
        assertEquals(List.of("d-1"), detector.rolledBackDeployments());
    }

    @Test
    void shouldRollBackTheSameSlownessAfterTheInstanceHasPassedAsHealthy() {
        detector.started("d-1", "v2", "v1", at(DEPLOYED_MS), GRACE_10S);
        answers(50, 40, 0);
        answers(30, 800, 5_000);
        answers(1_200, 40, 8_000);

        Breach breach = detector.breaches.readValue();
        assertEquals(at(DEPLOYED_MS + 5_000), breach.firstBadProbeAt(), "within the grace, but after it passed");
        assertEquals(List.of("d-1"), detector.rolledBackDeployments());
    }

    @Test
    void shouldRollBackTheSameStartWithoutAGrace() {
        detector.started("d-1", "v2", "v1", at(DEPLOYED_MS), GRACE_10S.withStartupGraceMs(0));
        answers(30, 800, 0);
        answers(1_200, 40, 3_000);

        assertEquals(at(DEPLOYED_MS), detector.breaches.readValue().firstBadProbeAt());
        assertEquals(List.of("d-1"), detector.rolledBackDeployments());
    }

    /** {@code n} good answers of both versions, 10 a second from {@code fromMs} after the deployment: v2's take {@code v2Ms}. */
    private void answers(int n, long v2Ms, long fromMs) {
        for (int i = 0; i < n; i++) {
            long atMs = DEPLOYED_MS + fromMs + i * 100L;
            detector.probe("v1", OK, 40, at(atMs));
            detector.probe("v2", OK, v2Ms, at(atMs));
        }
    }

    private void probesOfV2(int n, boolean ok, long latencyMs, long fromMs) {
        for (int i = 0; i < n; i++) {
            long atMs = DEPLOYED_MS + fromMs + i * 100L;
            detector.probe("v1", OK, 40, at(atMs));
            detector.probe("v2", ok, latencyMs, at(atMs));
        }
    }
}
