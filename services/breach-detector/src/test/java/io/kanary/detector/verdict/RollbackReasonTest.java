package io.kanary.detector.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.Breach;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A breach's one sentence names the evidence it rests on: probes, requests, or both. */
class RollbackReasonTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shouldNameProbesAsItAlwaysHasWhenNoTrafficWasJudged() {
        assertEquals("v2 error rate 45.0% > baseline v1 1.4% + 1.0% margin over 4s "
                        + "(mSPRT error rate vs baseline: log-LR 16.0 ≥ 8.3; 20 probes vs 187)",
                RollbackReason.of(breach(TestName.ERROR_RATE_BASELINE, 20, 187, null, null)));
    }

    @Test
    void shouldNameRequestsWhenBothSidesAreTraffic() {
        assertEquals("v2 error rate 45.0% > baseline v1 1.4% + 1.0% margin over 4s "
                        + "(mSPRT error rate vs baseline: log-LR 16.0 ≥ 8.3; 312 requests vs 2980)",
                RollbackReason.of(breach(TestName.ERROR_RATE_BASELINE, 312, 2_980, 312L, 2_980L)));
    }

    @Test
    void shouldNameBothKindsOfEachSideWhenTheyMix() {
        assertEquals("v2 error rate 45.0% > baseline v1 1.4% + 1.0% margin over 4s "
                        + "(mSPRT error rate vs baseline: log-LR 16.0 ≥ 8.3; 312 requests + 30 probes vs 2980 requests + 300 probes)",
                RollbackReason.of(breach(TestName.ERROR_RATE_BASELINE, 342, 3_280, 312L, 2_980L)));
        assertEquals("v2 error rate 45.0% > limit 5.0% over 4s "
                        + "(mSPRT error rate > limit: log-LR 16.0 ≥ 8.3; 312 requests; baseline v1 1.4% over 300 probes)",
                RollbackReason.of(breach(TestName.ERROR_RATE_LIMIT, 312, 300, 312L, 0L)));
    }

    private static Breach breach(TestName test, long samples, long baselineSamples, Long requests, Long baselineRequests) {
        double threshold = test == TestName.ERROR_RATE_LIMIT ? 0.05 : 0.024;
        return new Breach("b-1", 1, "d-1", "checkout", "v2", "v1", Breach.ERROR_RATE, 0.45, threshold, 0.014, 4_000,
                samples, baselineSamples, T0, T0.plusSeconds(4), test.label(), 16.0, 8.29, requests, baselineRequests);
    }
}
