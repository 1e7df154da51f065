package io.kanary.cli.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.schema.Judgement;
import java.time.Instant;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EvidenceThrottleTest {
    private static final Instant T0 = Instant.parse("2026-12-02T01:00:00Z");

    private static Judgement.Progress at(int second, int batch, double healthy, double breach) {
        return new Judgement.Progress("p-" + batch + "-" + second, 1, "web-7", "web", "v2", batch, 10L * second, 0, 0.0,
                0.0, 4.0, healthy, 0.0, 5.0, breach, second * 1000L, 60_000, "", T0.plusSeconds(second));
    }

    @Test
    void shouldPrintTheFirstRecordOfABatchThenOneEveryFiveSecondsWhileTheEvidenceStandsStill() {
        EvidenceThrottle throttle = new EvidenceThrottle();
        long printed = IntStream.rangeClosed(0, 20).filter(s -> throttle.shouldPrint(at(s, 0, 0.30, 0.05))).count();
        assertEquals(5, printed); // seconds 0, 5, 10, 15, 20
    }

    @Test
    void shouldPrintOnATenPointMoveButNotSoonerThanTwoSecondsAfterTheLastLine() {
        EvidenceThrottle throttle = new EvidenceThrottle();
        assertTrue(throttle.shouldPrint(at(0, 0, 0.10, 0.0)));
        assertFalse(throttle.shouldPrint(at(1, 0, 0.40, 0.0)), "moved 30 points, but only a second after the last line");
        assertTrue(throttle.shouldPrint(at(2, 0, 0.50, 0.0)));
        assertFalse(throttle.shouldPrint(at(4, 0, 0.59, 0.0)), "9 points is not enough before five seconds");
        assertTrue(throttle.shouldPrint(at(5, 0, 0.50, 0.12)), "the breach side moved 12 points");
    }

    @Test
    void shouldPrintANewBatchsFirstRecordAtOnceAndNeverARepeat() {
        EvidenceThrottle throttle = new EvidenceThrottle();
        assertTrue(throttle.shouldPrint(at(0, 0, 0.10, 0.0)));
        assertFalse(throttle.shouldPrint(at(0, 0, 0.10, 0.0)), "the same record again (a restarted detector)");
        assertTrue(throttle.shouldPrint(at(1, 1, 0.0, 0.0)));
    }

    @Test
    void shouldStartAfreshOnceTheDeploymentIsForgotten() {
        EvidenceThrottle throttle = new EvidenceThrottle();
        assertTrue(throttle.shouldPrint(at(0, 0, 0.10, 0.0)));
        throttle.forget("web-7");
        assertTrue(throttle.shouldPrint(at(1, 0, 0.10, 0.0)));
    }
}
