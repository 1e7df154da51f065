package io.kanary.planner.kafka;

import io.kanary.planner.state.Rejection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the planner's loop decided about recent deploy requests, by the request's event id, so the
 * HTTP API that published a request can answer with the decision (started, or refused and why)
 * instead of a 202 that may turn into nothing. The request still goes through deploy.requests:
 * this is only a short memory of the loop's answers, bounded, and published only once the
 * decision is committed to Kafka.
 */
public final class RequestDecisions {
    /** How many decisions are kept: far more than requests can arrive while an API waits for one. */
    public static final int CAPACITY = 1024;

    /** @param rejection null when the request started deployment {@code deploymentId} */
    public record Decision(String requestEventId, String deploymentId, Rejection rejection) {
        public boolean accepted() {
            return rejection == null;
        }
    }

    private final Map<String, Decision> recent = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Decision> eldest) {
            return size() > CAPACITY;
        }
    };
    private final Map<String, List<CompletableFuture<Decision>>> waiting = new HashMap<>();

    /** Called by the loop once the decision is committed. */
    synchronized void record(Decision decision) {
        recent.put(decision.requestEventId(), decision);
        List<CompletableFuture<Decision>> waiters = waiting.remove(decision.requestEventId());
        if (waiters != null) {
            waiters.forEach(w -> w.complete(decision));
        }
    }

    /** The decision on request {@code requestEventId}, once the loop has made it. */
    public synchronized CompletableFuture<Decision> await(String requestEventId) {
        Decision known = recent.get(requestEventId);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<Decision> waiter = new CompletableFuture<>();
        waiting.computeIfAbsent(requestEventId, k -> new ArrayList<>()).add(waiter);
        return waiter;
    }

    /** Stops waiting for {@code waiter} (its caller gave up), so abandoned waits do not pile up. */
    public synchronized void forget(String requestEventId, CompletableFuture<Decision> waiter) {
        List<CompletableFuture<Decision>> waiters = waiting.get(requestEventId);
        if (waiters != null) {
            waiters.remove(waiter);
            if (waiters.isEmpty()) {
                waiting.remove(requestEventId);
            }
        }
    }
}
