package io.kanary.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Judgement;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The audit timeline, the live console and the dashboard say what a batch was judged on. */
class EvidenceSummariesTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void shouldSayTheJudgementsSentence() {
        assertEquals("judged healthy (batch 2): healthy on 77 probes", Summaries.of(new Judgement.Healthy("j1", 1, "d1",
                "web", "v2", 1, 77, 0.0, 41.1, "mSPRT healthy", 3.0, 2.996, "healthy on 77 probes", T0), null));
        assertEquals("judged inconclusive (batch 1): no judgement within 150.0s", Summaries.of(new Judgement.Inconclusive(
                "j2", 1, "d1", "web", "v2", 0, 0, 0.0, null, 0.0, null, 2.996, 150_000, "planner",
                "no judgement within 150.0s", T0), null));
    }

    @Test
    void shouldSayAProgressRecordIsTheEvidenceSoFarNotAVerdict() {
        assertEquals("evidence so far (batch 2): batch 2/3 waiting 12.0s of 120.0s on 40 probes", Summaries.of(
                new Judgement.Progress("p1", 1, "d1", "web", "v2", 1, 40, 0, 0.0, 1.5, 3.689, 0.41, 0.0, 8.3, 0.0, 12_000,
                        120_000, "batch 2/3 waiting 12.0s of 120.0s on 40 probes", T0), null));
    }

    @Test
    void shouldSayWhoJudgedTheBatchTheDeploymentActedOn() {
        assertEquals("batch 1 evidence inconclusive (judged by breach-detector): no verdict after 20.8s on 19 probes",
                Summaries.of(new DeploymentEvent.Judged("e1", 1, "d1", "web", 0, DeploymentEvent.Judged.INCONCLUSIVE,
                        "j1", "breach-detector", "no verdict after 20.8s on 19 probes", T0), null));
    }
}
