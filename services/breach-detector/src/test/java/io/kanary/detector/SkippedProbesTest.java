package io.kanary.detector;

import static io.kanary.detector.DetectorDriver.OK;
import static io.kanary.detector.DetectorDriver.SERVICE;
import static io.kanary.detector.DetectorDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.detector.input.InputRules;
import io.kanary.kafka.CloudEvents;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probes the health-watcher skipped (it could not send them on time) are no evidence: never judged, never dead-lettered. */
class SkippedProbesTest {
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
    void shouldNotRollBackOnProbesTheWatcherSkipped() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(30, "v1", OK, 40, at(1_000));
        for (int i = 0; i < 30; i++) {
            ProbeResult skipped = skipped("skipped-" + i, "v2", at(1_000 + i * 100L));
            detector.pipe(skipped, CloudEvents.headers(skipped, "/test", null));
        }

        assertTrue(detector.breaches.isEmpty(), "skipped probes are not failures");
        assertEquals(List.of(), detector.rolledBackDeployments());
        assertTrue(detector.probesDlq.isEmpty(), "a skipped probe is well-formed: no dead letter");
    }

    @Test
    void shouldStillJudgeTheFailuresAroundSkippedProbes() {
        detector.started("d-1", "v2", "v1", T0);
        detector.probes(30, "v1", OK, 40, at(1_000));
        ProbeResult skipped = skipped("skipped-1", "v2", at(1_000));
        detector.pipe(skipped, CloudEvents.headers(skipped, "/test", null));
        detector.probes(30, "v2", DetectorDriver.FAILED, 40, at(1_100));

        assertEquals(List.of("d-1"), detector.rolledBackDeployments());
    }

    @Test
    void shouldIgnoreOnlySkippedProbes() {
        assertTrue(InputRules.ignored(skipped("p-1", "v2", T0)));
        assertFalse(InputRules.ignored(new ProbeResult("p-2", KanaryEvent.SCHEMA_VERSION, SERVICE, "v2", "host-1",
                "i-v2", false, 0, 1_000, T0, "no answer within 1000 ms")));
    }

    private static ProbeResult skipped(String id, String version, Instant at) {
        return new ProbeResult(id, KanaryEvent.SCHEMA_VERSION, SERVICE, version, "host-1", "i-" + version, false, 0, 0,
                at, null, ProbeResult.WATCHER_OVERLOADED);
    }

    private static Instant at(long ms) {
        return T0.plusMillis(ms);
    }
}
