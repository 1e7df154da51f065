package io.kanary.detector;

import static io.kanary.detector.DetectorDriver.FAILED;
import static io.kanary.detector.DetectorDriver.OK;
import static io.kanary.detector.DetectorDriver.SERVICE;
import static io.kanary.detector.DetectorDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.detector.verdict.EventIds;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.DeadLetters;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
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
        detector.probes(6, "v1", OK, 40, T0);
        detector.probes(3, "v2", OK, 40, at(1_000));
        detector.probes(2, "v2", FAILED, 40, at(1_300));

        Breach breach = new Breach(EventIds.breach("d-1"), KanaryEvent.SCHEMA_VERSION, "d-1", SERVICE, "v2", "v1",
                Breach.ERROR_RATE, 0.4, 0.1, 0.0, 10_000, 5, 6, at(1_300), at(1_400));
        assertEquals(List.of(KeyValue.pair(SERVICE, breach)), detector.breaches.readKeyValuesToList());
        assertEquals(List.of(KeyValue.pair(SERVICE, new RollbackCommand(EventIds.rollback("d-1"),
                        KanaryEvent.SCHEMA_VERSION, "d-1", SERVICE,
                        "error rate 40.0% > 10.0% over 10s (5 probes; baseline v1 0.0% over 6)", breach.eventId(),
                        null, at(1_400)))),
                detector.rollbacks.readKeyValuesToList());
    }

    @Test
    void shouldRollBackWhenP99LatencyExceedsPolicy() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probe("v2", OK, 100, at(1_000));
        detector.probe("v2", OK, 900, at(1_100));
        detector.probes(2, "v2", OK, 100, at(1_200));
        detector.probe("v2", OK, 950, at(1_400));

        Breach breach = detector.breaches.readValue();
        assertEquals(List.of(Breach.P99_LATENCY_MS, 5L, at(1_100), at(1_400)),
                List.of(breach.metric(), breach.samples(), breach.firstBadProbeAt(), breach.detectedAt()));
        assertEquals(900, breach.observed(), 900 * 0.01, "p99 of 5 is the 4th lowest, within the sketch's 1% accuracy");
        assertNull(breach.baseline(), "no probes of the baseline version");
        assertTrue(detector.rollbacks.readValue().reason()
                .matches("p99 latency 9\\d\\d ms > 500 ms over 10s \\(5 probes; no probes of baseline v1\\)"));
    }

    @Test
    void shouldNotRollBackWhileErrorRateStaysWithinPolicy() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(9, "v2", OK, 40, at(1_000));
        detector.probe("v2", FAILED, 40, at(1_900));

        assertTrue(detector.rollbacks.isEmpty(), "10% failed is not above the 10% allowed");
        assertTrue(detector.breaches.isEmpty());
    }

    @Test
    void shouldNotJudgeBeforeMinSamples() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(4, "v2", FAILED, 40, at(1_000));
        assertTrue(detector.rollbacks.isEmpty(), "4 probes are fewer than the policy's 5");

        detector.probe("v2", FAILED, 40, at(1_400));
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
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(2, "v2", FAILED, 40, at(1_000));
        detector.probes(5, "v2", OK, 40, at(20_000));

        assertTrue(detector.rollbacks.isEmpty(), "the failures are 19 s old, outside the 10 s window");
    }

    @Test
    void shouldSendUnreadableProbeToDeadLetterTopicAndCarryOn() {
        detector.started("d-1", "v2", "v1", T0);
        detector.pipeRaw("not json {", at(1_000));
        detector.probes(5, "v2", FAILED, 40, at(1_100));

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
        detector.probe("v2", FAILED, 40, at(1_500));

        TestRecord<String, byte[]> dead = detector.probesDlq.readRecord();
        assertEquals(List.of(noService, "4", "Not a valid ProbeResult: service is required"),
                List.of(utf8(dead.value()), header(dead, DeadLetters.OFFSET), header(dead, DeadLetters.REASON)));
        assertEquals(List.of("d-1"), detector.rolledBackDeployments());
    }

    @Test
    void shouldSendUnknownDeploymentEventToDeadLetterTopicAndCarryOn() {
        detector.rawDeployEvents.pipeInput(SERVICE, "{\"type\":\"deployment.exploded\"}".getBytes(StandardCharsets.UTF_8), T0);
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(5, "v2", FAILED, 40, at(1_000));

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
        detector.probes(5, "v2", FAILED, 40, at(1_000));
        detector.deployEvent(new DeploymentEvent.RolledBack("e-rb", KanaryEvent.SCHEMA_VERSION, "d-1", SERVICE,
                List.of("host-1"), at(3_000)));
        detector.started("d-2", "v2", "v1", at(5_000));
        detector.probes(4, "v2", FAILED, 40, at(5_000));
        assertEquals(List.of("d-1"), detector.rolledBackDeployments(), "d-1's probes do not count for d-2");

        detector.probe("v2", FAILED, 40, at(5_400));
        assertEquals(List.of("d-2"), detector.rolledBackDeployments());
    }

    @Test
    void shouldChainBreachToDecisiveProbeAndRollbackToBreach() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(4, "v2", FAILED, 40, at(1_000));
        ProbeResult decisive = detector.probeOf("v2", FAILED, 40, at(1_400));
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
        detector.probes(4, "v2", FAILED, 40, at(1_000));
        ProbeResult decisive = detector.probeOf("v2", FAILED, 40, at(1_400));
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

    private static Instant at(long millisAfterT0) {
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
