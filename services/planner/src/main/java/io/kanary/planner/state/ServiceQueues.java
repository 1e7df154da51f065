package io.kanary.planner.state;

import io.kanary.schema.DeploymentEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The requests waiting for their service (or for the deployment they need), in order, and the ones
 * cancelled before they started. Rebuilt from deploy.events like the rest of the planner's state.
 */
final class ServiceQueues {
    private final Map<String, Deque<DeploymentEvent.Queued>> byService = new LinkedHashMap<>();
    private final Map<String, DeploymentEvent.Queued> queued = new LinkedHashMap<>();
    private final Map<String, Cancelled> cancelled = new LinkedHashMap<>();

    /** A deployment cancelled while queued: its request and the cancellation. */
    record Cancelled(DeploymentEvent.Queued queued, DeploymentEvent.Cancelled cancelled) {
    }

    void apply(DeploymentEvent.Queued q) {
        if (queued.containsKey(q.deploymentId())) {
            return;
        }
        queued.put(q.deploymentId(), q);
        Deque<DeploymentEvent.Queued> queue = byService.computeIfAbsent(q.service(), s -> new ArrayDeque<>());
        if (q.front()) {
            queue.addFirst(q);
        } else {
            queue.addLast(q);
        }
    }

    /** The queued deployment started (or was cancelled): it leaves the queue. */
    Optional<DeploymentEvent.Queued> remove(String deploymentId) {
        DeploymentEvent.Queued q = queued.remove(deploymentId);
        if (q != null) {
            byService.get(q.service()).remove(q);
        }
        return Optional.ofNullable(q);
    }

    void cancel(DeploymentEvent.Cancelled c) {
        remove(c.deploymentId()).ifPresent(q -> cancelled.put(c.deploymentId(), new Cancelled(q, c)));
    }

    Optional<DeploymentEvent.Queued> queued(String deploymentId) {
        return Optional.ofNullable(queued.get(deploymentId));
    }

    Optional<Cancelled> cancelled(String deploymentId) {
        return Optional.ofNullable(cancelled.get(deploymentId));
    }

    boolean knows(String deploymentId) {
        return queued.containsKey(deploymentId) || cancelled.containsKey(deploymentId);
    }

    /** 1-based place in its service's queue. */
    int position(String deploymentId) {
        DeploymentEvent.Queued q = queued.get(deploymentId);
        return q == null ? 0 : new ArrayList<>(byService.get(q.service())).indexOf(q) + 1;
    }

    /** Each service's queue, head first. */
    Map<String, List<DeploymentEvent.Queued>> heads() {
        Map<String, List<DeploymentEvent.Queued>> out = new LinkedHashMap<>();
        byService.forEach((service, queue) -> {
            if (!queue.isEmpty()) {
                out.put(service, List.copyOf(queue));
            }
        });
        return out;
    }

    Collection<DeploymentEvent.Queued> allQueued() {
        return Collections.unmodifiableCollection(queued.values());
    }

    Collection<Cancelled> allCancelled() {
        return Collections.unmodifiableCollection(cancelled.values());
    }
}
