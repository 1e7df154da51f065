package io.kanary.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.Breach;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BreachSummaryTest {
    private static final Instant T = Instant.parse("2026-12-02T06:30:39Z");

    private static Breach breach(long samples, Long requests, long baselineSamples, Long baselineRequests) {
        return new Breach("e-b", 1, "d-1", "demo", "v2", "v1", Breach.ERROR_RATE, 0.286, 0.10, 0.0, 3_000, samples,
                baselineSamples, T, T, "mSPRT error rate > limit", 18.4, 8.3, requests, baselineRequests);
    }

    @Test
    void shouldNameProbesAloneAsBefore() {
        assertEquals("BREACH v2 error rate 28.6% > limit 10.0% over 3s (mSPRT error rate > limit: log-LR 18.4 ≥ 8.3; "
                + "42 probes; baseline v1 0.0% of 40)", Summaries.breach(breach(42, null, 40, null)));
    }

    @Test
    void shouldNameTheRequestsAndTheProbesAJudgementOfTrafficHeld() {
        assertEquals("BREACH v2 error rate 28.6% > limit 10.0% over 3s (mSPRT error rate > limit: log-LR 18.4 ≥ 8.3; "
                + "150 requests + 25 probes; baseline v1 0.0% of 200 requests + 60 probes)",
                Summaries.breach(breach(175, 150L, 260, 200L)));
    }
}
