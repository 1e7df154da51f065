package io.kanary.planner.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.planner.state.Rejection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The loop's short memory of decisions: a waiter gets the decision whether it asked before or after it was made. */
class RequestDecisionsTest {

    @Test
    void shouldCompleteAWaiterThatAskedBeforeTheDecision() {
        RequestDecisions decisions = new RequestDecisions();
        CompletableFuture<RequestDecisions.Decision> waiter = decisions.await("r-1");
        assertFalse(waiter.isDone());

        decisions.record(new RequestDecisions.Decision("r-1", "web-1", null));

        assertEquals("web-1", waiter.join().deploymentId());
        assertTrue(waiter.join().accepted());
    }

    @Test
    void shouldAnswerAWaiterThatAsksAfterTheDecision() {
        RequestDecisions decisions = new RequestDecisions();
        Rejection conflict = new Rejection("Deployment conflict", "service web already has an active deployment", true,
                List.of());
        decisions.record(new RequestDecisions.Decision("r-2", "web-2", conflict));

        RequestDecisions.Decision decision = decisions.await("r-2").join();

        assertFalse(decision.accepted());
        assertEquals(conflict, decision.rejection());
    }

    @Test
    void shouldForgetTheOldestDecisionsBeyondItsCapacity() {
        RequestDecisions decisions = new RequestDecisions();
        for (int i = 0; i <= RequestDecisions.CAPACITY; i++) {
            decisions.record(new RequestDecisions.Decision("r-" + i, "d-" + i, null));
        }

        assertFalse(decisions.await("r-0").isDone(), "the oldest decision was forgotten");
        assertTrue(decisions.await("r-1").isDone());
        assertTrue(decisions.await("r-" + RequestDecisions.CAPACITY).isDone());
    }

    @Test
    void shouldNotCompleteAWaiterThatWasForgotten() {
        RequestDecisions decisions = new RequestDecisions();
        CompletableFuture<RequestDecisions.Decision> waiter = decisions.await("r-3");
        decisions.forget("r-3", waiter);

        decisions.record(new RequestDecisions.Decision("r-3", "d-3", null));

        assertFalse(waiter.isDone());
    }
}
