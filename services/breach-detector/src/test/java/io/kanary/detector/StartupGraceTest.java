package io.kanary.detector;

import static io.kanary.detector.BreachTopologyTest.at;
import static io.kanary.detector.DetectorDriver.FAILED;
import static io.kanary.detector.DetectorDriver.OK;
import static io.kanary.detector.DetectorDriver.SERVICE;
import static io.kanary.detector.DetectorDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.detector.verdict.TestName;
import io.kanary.schema.Breach;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new instance's start-up, through the real topology: a service's first version (no baseline),
 * probed 10 times a second, whose instance takes a few seconds to answer, as a JVM does on a busy host.
 */
class StartupGraceTest {
    /** The defaults (5% errors, 20 probes, 2 s blips) with a 10 s start-up grace. */
    static final Policy GRACE_10S = Policy.defaults().withStartupGraceMs(10_000);

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
    void shouldNotRollBackAnInstanceThatFailsItsFirstProbesForThreeSecondsThenAnswers() {
        detector.firstStarted("d-1", "v1", T0, GRACE_10S);
        detector.probes(30, "v1", FAILED, 1_000, at(0));
        detector.probes(300, "v1", OK, 40, at(3_000));

        assertTrue(detector.breaches.isEmpty(), "its start-up is not the version's error");
        assertTrue(detector.rollbacks.isEmpty());
    }

    @Test
    void shouldRollBackTheSameStartWithoutAGrace() {
        detector.firstStarted("d-1", "v1", T0, GRACE_10S.withStartupGraceMs(0));
        detector.probes(30, "v1", FAILED, 1_000, at(0));
        detector.probes(300, "v1", OK, 40, at(3_000));

        assertEquals(List.of("d-1"), detector.rolledBackDeployments());
    }

    @Test
    void shouldRollBackAnInstanceThatStaysDownPastTheGrace() {
        detector.firstStarted("d-1", "v1", T0, GRACE_10S);
        detector.probes(300, "v1", FAILED, 1_000, at(0));

        Breach breach = detector.breaches.readValue();
        // The first 100 failures (0 to 9.9 s) are excused; from 10 s on they count, and the run of one
        // host's failures counts in full once it spans the 2 s outage tolerance.
        assertEquals(List.of(TestName.ERROR_RATE_LIMIT.label(), 1.0, at(10_000), at(12_000), 21L),
                List.of(breach.test(), breach.observed(), breach.firstBadProbeAt(), breach.detectedAt(),
                        breach.samples()));
        assertEquals(List.of("d-1"), detector.rolledBackDeployments());
    }

    @Test
    void shouldCountEveryFailureOnceTheInstanceHasPassedAsHealthy() {
        detector.firstStarted("d-1", "v1", T0, GRACE_10S);
        detector.probes(3, "v1", OK, 40, at(0));
        detector.probes(50, "v1", FAILED, 1_000, at(300));

        Breach breach = detector.breaches.readValue();
        assertEquals(List.of(at(300), at(2_300)), List.of(breach.firstBadProbeAt(), breach.detectedAt()),
                "within the grace, but after its third good answer in a row (the policy's healthyProbes)");
    }

    @Test
    void shouldExcuseFailuresBetweenAnInstancesFirstGoodAnswersBeforeItPasses() {
        detector.firstStarted("d-1", "v1", T0, GRACE_10S);
        // Answers, then fails, then answers again: a server coming up, not yet healthy.
        for (int i = 0; i < 40; i++) {
            detector.probe("v1", i % 2 == 0, 40, at(i * 100L));
        }
        detector.probes(300, "v1", OK, 40, at(4_000));

        assertTrue(detector.breaches.isEmpty(), "it had not yet passed as healthy");
    }

    @Test
    void shouldGiveEachNewInstanceItsOwnGrace() {
        detector.firstStarted("d-1", "v1", T0, GRACE_10S);
        detector.probes(100, "v1", OK, 40, at(0));
        // A second instance of v1 starts on host-2 at 10 s and takes 3 s to answer.
        for (int i = 0; i < 30; i++) {
            detector.pipe(probeOf("host-2", "i-v1-b", FAILED, at(10_000 + i * 100L)), new RecordHeaders());
        }
        detector.probes(50, "v1", OK, 40, at(13_000));

        assertTrue(detector.breaches.isEmpty(), "the second instance's start-up is not the version's error");
    }

    @Test
    void shouldGiveNoGraceToProbesThatNameNoInstance() {
        detector.firstStarted("d-1", "v1", T0, GRACE_10S);
        for (int i = 0; i < 50; i++) {
            detector.pipe(probeOf(null, null, FAILED, at(i * 100L)), new RecordHeaders());
        }

        assertEquals(List.of("d-1"), detector.rolledBackDeployments(), "an external sampler's failures count at once");
    }

    @Test
    void shouldKeepJudgingAnInstanceThatHasBeenUpForLongerThanTheRetention() {
        detector.firstStarted("d-1", "v1", T0, GRACE_10S);
        // Up and probed once a second for 11 min: past the 10 min retention after which an instance no
        // longer probed is forgotten (checked once a minute of stream time), and would then be taken
        // for a new one, in its grace, when probed again.
        for (int second = 0; second < 660; second++) {
            detector.probe("v1", OK, 40, at(second * 1_000L));
        }
        detector.probes(50, "v1", FAILED, 1_000, at(660_000));

        Breach breach = detector.breaches.readValue();
        assertEquals(List.of(at(660_000), at(662_000)), List.of(breach.firstBadProbeAt(), breach.detectedAt()),
                "its failures count at once, with no grace");
    }

    private static ProbeResult probeOf(String hostId, String instanceId, boolean ok, java.time.Instant at) {
        return new ProbeResult("p-" + hostId + "-" + at.toEpochMilli(), KanaryEvent.SCHEMA_VERSION, SERVICE, "v1",
                hostId, instanceId, ok, ok ? 200 : 503, 40, at, null);
    }
}
