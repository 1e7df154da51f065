package io.kanary.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.ControlCommand;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.RunSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit timeline and the live console put operators' controls, steps and queues in words. */
class ControlSummariesTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void shouldSayWhoPausedPromotedAndCancelledAndWhy() {
        assertEquals("paused by alice: watch p99", Summaries.of(new DeploymentEvent.Paused("e1", 1, "d1", "web", "alice", T0,
                "watch p99", "c1"), null));
        assertEquals("promoted in full (every remaining pause and approval skipped) by bob", Summaries.of(
                new DeploymentEvent.Promoted("e2", 1, "d1", "web", true, "bob", null, "c2", T0), null));
        assertEquals("cancelled before it started by carol: not tonight", Summaries.of(
                new DeploymentEvent.Cancelled("e3", 1, "d1", "web", "carol", "not tonight", "c3", T0), null));
        assertEquals("abort requested by dave: wrong build", Summaries.of(new ControlCommand("c4", 1, "d1", "web",
                ControlCommand.Action.ABORT, null, "dave", "wrong build", T0), null));
    }

    @Test
    void shouldSayWhatAStepOrAQueueWaitsFor() {
        assertEquals("waiting for approval (step 2): promote to go on", Summaries.of(
                new DeploymentEvent.Waiting("e1", 1, "d1", "web", 1, null, null, T0), null));
        assertEquals("pausing 120.0s (step 2) until 2026-11-23T10:02:00Z; judgement goes on", Summaries.of(
                new DeploymentEvent.Waiting("e2", 1, "d1", "web", 1, 120_000L, T0.plusSeconds(120), T0), null));
        DeployRequest request = new DeployRequest("r1", 1, "d2", "web", "v3", RunSpec.process(List.of("web"), Map.of()),
                List.of(), 1, null, "erin", T0);
        assertEquals("queued: v3 waits for the service's active deployment by erin", Summaries.of(
                new DeploymentEvent.Queued("e3", 1, "d2", "web", request, false, T0), null));
    }
}
