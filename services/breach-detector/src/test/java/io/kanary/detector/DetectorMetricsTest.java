package io.kanary.detector;

import static io.kanary.detector.BreachTopologyTest.at;
import static io.kanary.detector.BreachTopologyTest.slowOneIn;
import static io.kanary.detector.DetectorDriver.FAILED;
import static io.kanary.detector.DetectorDriver.OK;
import static io.kanary.detector.DetectorDriver.SERVICE;
import static io.kanary.detector.DetectorDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kanary.detector.DetectorDriver.ProbeShape;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detector's meters, read from its registry while {@link BreachTopology} runs under a TopologyTestDriver. */
class DetectorMetricsTest {
    @TempDir
    Path stateDir;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DetectorDriver detector;

    @BeforeEach
    void startDriver() {
        detector = new DetectorDriver(stateDir, registry);
    }

    @AfterEach
    void closeDriver() {
        detector.close();
    }

    @Test
    void shouldCountTheBreachAndItsRollbackByTheTestThatDecided() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(30, "v2", FAILED, 40, at(1_000));

        assertEquals(1.0, breaches("error_rate_vs_limit"));
        assertEquals(1.0, rollbacks("error_rate_vs_limit"));
        assertNull(registry.find("kanary.rollbacks").tag("test", "p99_vs_limit").counter());
    }

    @Test
    void shouldNameTheP99TestWhenLatencyDecides() {
        detector.started("d-1", "v2", "v1", T0);
        detector.traffic(5, 10, at(1_000), "v2", slowOneIn(5, 900), null, null);

        assertEquals(List.of(1.0, 1.0), List.of(breaches("p99_vs_limit"), rollbacks("p99_vs_limit")));
    }

    @Test
    void shouldTimeTheDecisionFromTheDecisiveProbeToTheRollbackCommand() {
        // The job's clock reads 4.5 s when the decisive probe, made at 3.0 s, is judged.
        detector.driver.advanceWallClockTime(Duration.ofMillis(4_500));
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(30, "v2", FAILED, 40, at(1_000));

        Timer decision = registry.get("kanary.rollback.decision").timer();
        assertEquals(List.of(1L, 1_500.0), List.of(decision.count(), decision.totalTime(TimeUnit.MILLISECONDS)));
    }

    @Test
    void shouldCountOneBreachPerDeploymentHoweverLongItLasts() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(300, "v2", FAILED, 40, at(1_000));
        detector.deployEvent(rolledBack("d-1", at(31_000)));
        detector.started("d-2", "v2", "v1", at(32_000));
        detector.probes(30, "v2", FAILED, 40, at(32_000));

        assertEquals(List.of(2.0, 2.0, 2L), List.of(breaches("error_rate_vs_limit"), rollbacks("error_rate_vs_limit"),
                registry.get("kanary.rollback.decision").timer().count()));
    }

    @Test
    void shouldShowTheErrorRatesAndP99sTheJudgementSeesWhileTheDeploymentIsJudged() {
        detector.started("d-1", "v2", "v1", T0);
        // 20 probes of each in 2 s, 40 ms each: v1 fails 2 (10%), v2 fails 5 (25%).
        detector.traffic(2, 10, at(1_000), "v2", ProbeShape.failingOneIn(4), "v1", ProbeShape.failingOneIn(10));

        assertEquals(Map.of("candidate v2", 0.25, "baseline v1", 0.10), gaugeValues("kanary.detector.error.rate"));
        gaugeValues("kanary.detector.p99").values().forEach(p99 -> assertEquals(0.040, p99, 0.040 * 0.01));
        assertEquals(2, gaugeValues("kanary.detector.p99").size());
        assertEquals(20.0, registry.get("kanary.detector.probes.judged").tag("service", SERVICE).counter().count(),
                "the new version's probes, not the baseline's");
    }

    @Test
    void shouldShowOnlyTheNewVersionWhenItHasNoBaseline() {
        detector.firstStarted("d-1", "v1", T0, DetectorDriver.POLICY);
        detector.traffic(2, 10, at(1_000), "v1", ProbeShape.failingOneIn(5), null, null);

        assertEquals(Map.of("candidate v1", 0.20), gaugeValues("kanary.detector.error.rate"));
    }

    @Test
    void shouldRemoveTheGaugesWhenTheDeploymentEnds() {
        detector.started("d-1", "v2", "v1", T0);
        detector.traffic(2, 10, at(1_000), "v2", ProbeShape.failingOneIn(4), "v1", ProbeShape.failingOneIn(10));
        detector.deployEvent(new DeploymentEvent.Succeeded("e-end", KanaryEvent.SCHEMA_VERSION, "d-1", SERVICE, "v2",
                at(3_000)));

        assertEquals(List.of(), detectorGauges());
    }

    @Test
    void shouldRemoveTheGaugesWhenTheDeploymentStartsRollingBack() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(3, "v2", OK, 40, at(1_000));
        detector.deployEvent(new DeploymentEvent.RollingBack("e-rb", KanaryEvent.SCHEMA_VERSION, "d-1", SERVICE,
                "operator", null, "alice", List.of("host-1"), at(2_000)));

        assertEquals(List.of(), detectorGauges());
    }

    @Test
    void shouldRemoveTheGaugesWhenAnotherDeploymentOfTheServiceTakesItsPlace() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(3, "v2", OK, 40, at(1_000));
        detector.started("d-2", "v3", "v1", at(2_000));

        assertEquals(List.of(), detectorGauges(), "v2 is no longer judged, and no probe of v3 has been");
    }

    @Test
    void shouldKeepOnlyTheJudgedDeploymentsGaugesOverManyDeployments() {
        Duration each = Duration.ofSeconds(10);
        for (int n = 2; n <= 9; n++) {
            String deployment = "d-" + n;
            java.time.Instant start = T0.plus(each.multipliedBy(n));
            detector.started(deployment, "v" + n, "v" + (n - 1), start);
            detector.traffic(1, 10, start.plusMillis(100), "v" + n, ProbeShape.failingOneIn(10),
                    "v" + (n - 1), ProbeShape.failingOneIn(10));
            if (n % 2 == 0) { // every other deployment is replaced by the next without an end event of its own
                detector.deployEvent(new DeploymentEvent.Succeeded("e-" + n, KanaryEvent.SCHEMA_VERSION, deployment,
                        SERVICE, "v" + n, start.plusMillis(5_000)));
            }
        }

        assertEquals(List.of("kanary.detector.error.rate baseline v8", "kanary.detector.error.rate candidate v9",
                "kanary.detector.p99 baseline v8", "kanary.detector.p99 candidate v9"), detectorGauges());
    }

    @Test
    void shouldCountPoisonRecordsByTheirTopic() {
        detector.pipeRaw("not json {", at(1_000));
        detector.pipeRaw("{}", at(1_100));
        detector.rawDeployEvents.pipeInput(SERVICE, "{\"type\":\"deployment.exploded\"}".getBytes(StandardCharsets.UTF_8), T0);

        assertEquals(List.of(2.0, 1.0), List.of(deadLetters("health.probes"), deadLetters("deploy.events")));
    }

    private double breaches(String test) {
        return registry.get("kanary.breaches").tags("service", SERVICE, "test", test).counter().count();
    }

    private double rollbacks(String test) {
        return registry.get("kanary.rollbacks").tags("service", SERVICE, "cause", "breach", "test", test)
                .counter().count();
    }

    private double deadLetters(String topic) {
        Counter counter = registry.get("kanary.dlq.records").tags("topic", topic, "consumer", "breach-detector").counter();
        return counter.count();
    }

    /** The gauges named {@code name}, by "role version", all of the service's. */
    private Map<String, Double> gaugeValues(String name) {
        Map<String, Double> values = new TreeMap<>();
        for (Gauge gauge : registry.find(name).tag("service", SERVICE).gauges()) {
            values.put(gauge.getId().getTag("role") + " " + gauge.getId().getTag("version"), gauge.value());
        }
        return values;
    }

    /** Every per-version gauge of the detector, as "name role version", sorted. */
    private List<String> detectorGauges() {
        return registry.getMeters().stream()
                .filter(meter -> meter.getId().getType() == Meter.Type.GAUGE)
                .filter(meter -> meter.getId().getName().startsWith("kanary.detector."))
                .map(meter -> meter.getId().getName() + " " + meter.getId().getTag("role") + " "
                        + meter.getId().getTag("version"))
                .sorted().toList();
    }

    private static DeploymentEvent.RolledBack rolledBack(String deploymentId, java.time.Instant at) {
        return new DeploymentEvent.RolledBack("e-rb-" + deploymentId, KanaryEvent.SCHEMA_VERSION, deploymentId, SERVICE,
                List.of("host-1"), at);
    }
}
