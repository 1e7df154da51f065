package io.kanary.detector;

import static io.kanary.detector.DetectorDriver.FAILED;
import static io.kanary.detector.DetectorDriver.OK;
import static io.kanary.detector.DetectorDriver.SERVICE;
import static io.kanary.detector.DetectorDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.detector.DetectorDriver.ProbeShape;
import io.kanary.detector.verdict.EventIds;
import io.kanary.detector.verdict.TestName;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.DeadLetters;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BreachTopologyTest {
    private static final double STATISTIC_21_FAILURES = 43.67086064576685;
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
    void shouldRollBackWhenErrorRateExceedsPolicy() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(30, "v1", OK, 40, at(1_000));
        detector.probes(30, "v2", FAILED, 40, at(1_000));

        // Failures in 3 distinct seconds are the least evidence: the 21st failure, at 3.0 s, decides.
        Breach breach = detector.breaches.readValue();
        // The log-likelihood ratio of 21 failures in a row against a 10% limit, given the mixture's prior.
        assertEquals(STATISTIC_21_FAILURES, breach.statistic(), 1e-9);
        assertEquals(new Breach(EventIds.breach("d-1"), KanaryEvent.SCHEMA_VERSION, "d-1", SERVICE, "v2", "v1",
                Breach.ERROR_RATE, 1.0, 0.1, 0.0, 3_000, 21, 30, at(1_000), at(3_000), TestName.ERROR_RATE_LIMIT.label(),
                breach.statistic(), Math.log(4 / 0.001)), breach);
        assertEquals(List.of(KeyValue.pair(SERVICE, new RollbackCommand(EventIds.rollback("d-1"),
                        KanaryEvent.SCHEMA_VERSION, "d-1", SERVICE,
                        "v2 error rate 100.0% > limit 10.0% over 3s (mSPRT error rate > limit: log-LR 43.7 ≥ 8.3; "
                                + "21 probes; baseline v1 0.0% over 30)", breach.eventId(),
                        null, at(3_000)))),
                detector.rollbacks.readKeyValuesToList());
        assertTrue(detector.breaches.isEmpty(), "one breach per deployment");
    }

    @Test
    void shouldRollBackWhenP99LatencyExceedsPolicy() {
        detector.started("d-1", "v2", "v1", T0);
        // One probe in five takes 900 ms: 20% over the 500 ms limit, where a p99 allows 1%. The 6th slow one decides.
        detector.traffic(5, 10, at(1_000), "v2", slowOneIn(5, 900), null, null);

        Breach breach = detector.breaches.readValue();
        assertEquals(List.of(Breach.P99_LATENCY_MS, TestName.P99_LIMIT.label(), 500.0, at(1_400), at(3_900)),
                List.of(breach.metric(), breach.test(), breach.threshold(), breach.firstBadProbeAt(), breach.detectedAt()));
        assertEquals(900, breach.observed(), 900 * 0.01, "p99 within the sketch's 1% accuracy");
        assertNull(breach.baseline(), "no probes of the baseline version");
        assertTrue(detector.rollbacks.readValue().reason()
                .matches("v2 p99 latency 9\\d\\d ms > limit 500 ms over 3s \\(p99 vs limit: log-LR \\d+\\.\\d ≥ 8\\.3; "
                        + "30 probes; no probes of baseline v1\\)"), "reason");
    }

    @Test
    void shouldNotRollBackAnErrorRateAtItsLimit() {
        // 900 probes, one in ten failing, each failure in a second of its own: plenty of evidence, none against 10%.
        detector.started("d-1", "v2", "v1", T0, new Policy(0.10, 500L, 60_000L, 5, null, null, null, null));
        detector.traffic(90, 10, at(1_000), "v2", ProbeShape.failingOneIn(10), null, null);

        assertTrue(detector.breaches.isEmpty(), "10% failed is not above the 10% allowed");
        assertTrue(detector.rollbacks.isEmpty());
    }

    @Test
    void shouldRollBackTheSameErrorRateAgainstALowerLimit() {
        // The traffic of the test above against a 4% limit: the limit, not the traffic, decides.
        detector.started("d-1", "v2", "v1", T0, new Policy(0.04, 500L, 60_000L, 5, null, null, null, null)
                .withStartupGraceMs(0)); // every probe judged, the instance's first two answers too
        detector.traffic(90, 10, at(1_000), "v2", ProbeShape.failingOneIn(10), null, null);

        Breach breach = detector.breaches.readValue();
        assertEquals(List.of(Breach.ERROR_RATE, TestName.ERROR_RATE_LIMIT.label(), 0.1, 0.04, 360L, at(1_900), at(36_900)),
                List.of(breach.metric(), breach.test(), breach.observed(), breach.threshold(), breach.samples(),
                        breach.firstBadProbeAt(), breach.detectedAt()));
        assertEquals(List.of("d-1"), detector.rolledBackDeployments());
    }

    @Test
    void shouldNotJudgeBeforeMinSamples() {
        detector.started("d-1", "v2", "v1", T0, new Policy(0.10, 500L, 30_000L, 8, null, null, null, null)
                .withStartupGraceMs(0));
        for (int second = 1; second <= 7; second++) {
            detector.probe("v2", FAILED, 40, at(second * 1_000L));
        }
        assertTrue(detector.rollbacks.isEmpty(), "7 probes are fewer than the policy's 8, however conclusive");

        detector.probe("v2", FAILED, 40, at(8_000));
        assertEquals(List.of("d-1"), detector.rolledBackDeployments());
    }

    @Test
    void shouldSendExactlyOneRollbackCommandHoweverLongTheBreachLasts() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(300, "v2", FAILED, 40, at(1_000));

        assertEquals(List.of("d-1"), detector.rolledBackDeployments());
        assertEquals(1, detector.breaches.readValuesToList().size());
    }

    @Test
    void shouldJudgeOnlyTheProbesInsideTheWindow() {
        // A quarter of the probes fail, two probes a second, for two minutes: against a 10% limit that takes
        // 62 s of evidence to tell (see the next test), more than any 40 s window holds.
        detector.started("d-1", "v2", "v1", T0, new Policy(0.10, 500L, 40_000L, 5, null, null, null, null));
        detector.traffic(120, 2, at(1_000), "v2", ProbeShape.failingOneIn(4), null, null);

        assertTrue(detector.breaches.isEmpty(), "no 40 s of this traffic is evidence enough");
        assertTrue(detector.rollbacks.isEmpty());
    }

    @Test
    void shouldRollBackOnceTheWindowHoldsEnoughEvidence() {
        detector.started("d-1", "v2", "v1", T0, new Policy(0.10, 500L, 120_000L, 5, null, null, null, null)
                .withStartupGraceMs(0)); // every probe judged, the instance's first two answers too
        detector.traffic(120, 2, at(1_000), "v2", ProbeShape.failingOneIn(4), null, null);

        Breach breach = detector.breaches.readValue();
        assertEquals(List.of(0.25, 62_000L, 124L, at(2_500), at(62_500)), List.of(breach.observed(), breach.windowMs(),
                breach.samples(), breach.firstBadProbeAt(), breach.detectedAt()));
    }

    @Test
    void shouldSendUnreadableProbeToDeadLetterTopicAndCarryOn() {
        detector.started("d-1", "v2", "v1", T0);
        detector.pipeRaw("not json {", at(1_000));
        detector.probes(30, "v2", FAILED, 40, at(1_100));

        TestRecord<String, byte[]> dead = detector.probesDlq.readRecord();
        assertEquals(List.of(SERVICE, "not json {", "health.probes", "0", "0"), List.of(dead.key(),
                utf8(dead.value()), header(dead, DeadLetters.TOPIC), header(dead, DeadLetters.PARTITION),
                header(dead, DeadLetters.OFFSET)));
        assertTrue(header(dead, DeadLetters.REASON).startsWith("Not a valid ProbeResult"), header(dead, DeadLetters.REASON));
        assertEquals(List.of("d-1"), detector.rolledBackDeployments());
    }

    @Test
    void shouldSendProbeMissingRequiredFieldsToDeadLetterTopicAndCarryOn() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(4, "v2", FAILED, 40, at(1_000));
        String noService = "{\"eventId\":\"p-x\",\"schemaVersion\":1,\"version\":\"v2\",\"ok\":false,"
                + "\"statusCode\":503,\"latencyMs\":40,\"probedAt\":\"2026-01-01T00:00:01.400Z\"}";
        detector.pipeRaw(noService, at(1_400));
        assertTrue(detector.rollbacks.isEmpty(), "the invalid probe is not counted");
        detector.probes(20, "v2", FAILED, 40, at(1_500));

        TestRecord<String, byte[]> dead = detector.probesDlq.readRecord();
        assertEquals(List.of(noService, "4", "Not a valid ProbeResult: service is required"),
                List.of(utf8(dead.value()), header(dead, DeadLetters.OFFSET), header(dead, DeadLetters.REASON)));
        assertEquals(List.of("d-1"), detector.rolledBackDeployments());
    }

    @Test
    void shouldSendUnknownDeploymentEventToDeadLetterTopicAndCarryOn() {
        detector.rawDeployEvents.pipeInput(SERVICE, "{\"type\":\"deployment.exploded\"}".getBytes(StandardCharsets.UTF_8), T0);
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(30, "v2", FAILED, 40, at(1_000));

        assertTrue(header(detector.deployEventsDlq.readRecord(), DeadLetters.REASON).startsWith("Not a valid DeploymentEvent"));
        assertEquals(List.of("d-1"), detector.rolledBackDeployments());
    }

    @Test
    void shouldRefuseProbeKeyedByAnythingButItsService() {
        ProbeResult probe = detector.probeOf("v2", FAILED, 40, at(1_000));
        detector.probes.pipeInput(new TestRecord<>("host-1", probe, new RecordHeaders(), probe.probedAt()));

        assertEquals("Not a valid ProbeResult: key 'host-1' is not the service 'checkout'",
                header(detector.probesDlq.readRecord(), DeadLetters.REASON));
    }

    @Test
    void shouldNotJudgeAfterDeploymentHasEnded() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(5, "v2", OK, 40, at(1_000));
        detector.deployEvent(new DeploymentEvent.Succeeded("e-end", KanaryEvent.SCHEMA_VERSION, "d-1", SERVICE,
                "v2", at(2_000)));
        detector.probes(10, "v2", FAILED, 40, at(2_100));

        assertTrue(detector.rollbacks.isEmpty(), "v2 is the stable version now");
    }

    @Test
    void shouldJudgeNewDeploymentOfSameServiceAfresh() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(30, "v2", FAILED, 40, at(1_000));
        detector.deployEvent(new DeploymentEvent.RolledBack("e-rb", KanaryEvent.SCHEMA_VERSION, "d-1", SERVICE,
                List.of("host-1"), at(5_000)));
        detector.started("d-2", "v2", "v1", at(6_000));
        detector.probes(19, "v2", FAILED, 40, at(6_000));
        assertEquals(List.of("d-1"), detector.rolledBackDeployments(), "d-1's probes do not count for d-2");

        detector.probe("v2", FAILED, 40, at(8_000));
        assertEquals(List.of("d-2"), detector.rolledBackDeployments());
    }

    @Test
    void shouldChainBreachToDecisiveProbeAndRollbackToBreach() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(20, "v2", FAILED, 40, at(1_000));
        ProbeResult decisive = detector.probeOf("v2", FAILED, 40, at(3_000));
        Headers headers = CloudEvents.headers(decisive, "/kanary/health-watcher", "host-started-1");
        detector.pipe(decisive, headers);

        TestRecord<String, Breach> breach = detector.breaches.readRecord();
        TestRecord<String, RollbackCommand> rollback = detector.rollbacks.readRecord();
        assertEquals(List.of(decisive.eventId(), "/kanary/breach-detector", "kanary.breach.detected.v1", "d-1"),
                ceHeaders(breach.headers()));
        assertEquals(List.of(breach.value().eventId(), "/kanary/breach-detector", "kanary.rollback.requested.v1", "d-1"),
                ceHeaders(rollback.headers()));
        assertEquals(breach.value().eventId(), rollback.value().breachId());
    }

    @Test
    void shouldFallBackToProbeEventIdWhenItHasNoCloudEventsHeaders() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(20, "v2", FAILED, 40, at(1_000));
        ProbeResult decisive = detector.probeOf("v2", FAILED, 40, at(3_000));
        detector.pipe(decisive, new RecordHeaders());

        assertEquals(decisive.eventId(),
                CloudEvents.header(detector.breaches.readRecord().headers(), CloudEvents.CAUSATION_ID).orElseThrow());
    }

    @Test
    void shouldOnlyCountProbesOfServiceWithoutActiveDeployment() {
        detector.probes(20, "v2", FAILED, 40, at(1_000));
        detector.deployEvent(new DeploymentEvent.Aborted("e-ab", KanaryEvent.SCHEMA_VERSION, "d-0", SERVICE,
                "operator", "test", at(3_000)));
        detector.probes(20, "v2", FAILED, 40, at(3_100));

        assertTrue(detector.rollbacks.isEmpty());
        assertTrue(detector.probesDlq.isEmpty());
    }

    /** Every {@code every}-th probe (the 5th, 10th, ...) takes {@code slowMs}; the others 100 ms; none fails. */
    static ProbeShape slowOneIn(int every, long slowMs) {
        return new ProbeShape() {
            @Override
            public boolean fails(int i, Instant at) {
                return false;
            }

            @Override
            public long latencyMs(int i, Instant at) {
                return i % every == every - 1 ? slowMs : 100;
            }
        };
    }

    static Instant at(long millisAfterT0) {
        return T0.plusMillis(millisAfterT0);
    }

    private static String header(TestRecord<?, ?> record, String name) {
        return CloudEvents.header(record.headers(), name).orElse(null);
    }

    private static List<String> ceHeaders(Headers headers) {
        return List.of(CloudEvents.CAUSATION_ID, CloudEvents.SOURCE, CloudEvents.TYPE, CloudEvents.SUBJECT).stream()
                .map(name -> CloudEvents.header(headers, name).orElse(null)).toList();
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
