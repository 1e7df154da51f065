package io.kanary.bench.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.bench.scenario.DetectorRun;
import io.kanary.bench.scenario.ProbeStream;
import io.kanary.bench.scenario.ProbeStreamGenerator;
import io.kanary.bench.scenario.Scenarios;
import io.kanary.detector.DetectorConfig;
import io.kanary.detector.verdict.EventIds;
import io.kanary.schema.Breach;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The harnesses against the real broker and the real detector: which rollback answers which probe. */
class BrokerLatencyIT {
    static BrokerRig rig;

    @BeforeAll
    static void startRig() {
        rig = BrokerRig.start(DetectorConfig.DEFAULT_COMMIT_INTERVAL);
    }

    @AfterAll
    static void stopRig() {
        rig.close();
    }

    @Test
    void shouldMatchEachRollbackCommandToTheDecisiveProbeOfItsOwnRun() {
        LatencyRun runs = new LatencyRun(rig, Duration.ofMillis(20), 0.6, Duration.ofSeconds(30));
        Set<String> decisiveProbes = new HashSet<>();
        for (int i = 1; i <= 3; i++) {
            LatencySample sample = runs.run(i);
            assertNull(sample.problem(), sample.problem());

            RollbackCommand command = sample.command().event();
            Breach breach = sample.breach().event();
            ProbeResult decisive = sample.decisive().probe();
            String breachId = EventIds.breach(sample.deploymentId());
            assertEquals(List.of("svc-" + i, sample.deploymentId(), breachId, breachId, breachId, decisive.eventId(),
                            "svc-" + i, "v2", decisive.probedAt(), decisive.probedAt()),
                    List.of(command.service(), command.deploymentId(), command.breachId(), sample.command().causationId(),
                            breach.eventId(), sample.breach().causationId(), decisive.service(), decisive.version(),
                            breach.detectedAt(), command.issuedAt()));
            assertTrue(decisiveProbes.add(decisive.eventId()), "each run is decided by a probe of its own");
        }
    }

    @Test
    void shouldJudgeAScenarioStreamOnTheBrokerAsTopologyTestDriverDoes() {
        ProbeStream stream = StreamRename.to(ProbeStreamGenerator.generate(
                Scenarios.named("sudden-30%").withHorizon(Duration.ofSeconds(15)), 1), "chk-it");

        BrokerFeed.Result broker = BrokerFeed.feed(rig, stream);
        DetectorRun.Outcome ttd = DetectorRun.run(stream);

        assertTrue(ttd.rolledBack(), "the driver rolls sudden-30% back within 15 s");
        assertNull(broker.problem(), broker.problem());
        assertNotNull(broker.decisiveProbeId());
        assertEquals(List.of(true, ttd.command().issuedAt(), ttd.command().reason()),
                List.of(broker.rolledBack(), broker.decisiveAt(), broker.reason()));
    }
}
