package io.kanary.cli.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.Judgement;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EvidenceLineTest {
    private static Judgement.Progress progress(int batch, long samples, long requests, double healthy, double breach,
                                               long waitedMs, long evidenceWaitMs) {
        return new Judgement.Progress("p1", 1, "web-7", "web", "v2", batch, samples, requests, 0.01, 2.0, 4.0, healthy, 0.1,
                5.0, breach, waitedMs, evidenceWaitMs, "41 probes, 300 requests", Instant.parse("2026-12-02T01:00:00Z"));
    }

    @Test
    void shouldSayHowFarTheBatchHasGotTowardEitherSideOnHowMuchEvidence() {
        assertEquals("batch 2/3 evidence: healthy 62% | breach 4% | 41 probes, 300 requests | waited 6.0 s of 120.0 s",
                EvidenceLine.of(progress(1, 341, 300, 0.62, 0.04, 6_000, 120_000), 3));
    }

    @Test
    void shouldLeaveOutTrafficWhenThereIsNoneAndTheBatchCountWhenThePlanIsUnknown() {
        assertEquals("batch 1 evidence: healthy 0% | breach 0% | 1 probe | waited 0.4 s of 30.0 s",
                EvidenceLine.of(progress(0, 1, 0, 0.0, 0.0, 400, 30_000), 0));
    }

    @Test
    void shouldHoldSharesWithinZeroAndAHundredPercent() {
        assertEquals("batch 1/1 evidence: healthy 100% | breach 0% | 0 probes, 1 request | waited 1.5 s of 2.0 s",
                EvidenceLine.of(progress(0, 1, 1, 1.7, -0.2, 1_500, 2_000), 1));
    }
}
