package io.kanary.planner.http;

import io.kanary.planner.state.Deployment;
import io.kanary.planner.state.Planner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable copy of the planner's state for the HTTP threads, published by the planner's
 * loop after every change; the state machine itself is only ever touched by that loop.
 */
public record PlannerView(Map<String, DeploymentView> deployments, Map<String, String> activeByService,
                          Set<String> knownHosts) {
    public static final PlannerView EMPTY = new PlannerView(Map.of(), Map.of(), Set.of());

    public static PlannerView of(Planner planner) {
        Map<String, DeploymentView> deployments = new LinkedHashMap<>();
        Map<String, String> active = new TreeMap<>();
        for (Deployment d : planner.deployments()) {
            deployments.put(d.id(), DeploymentView.of(d));
            if (d.phase().isActive()) {
                active.put(d.service(), d.id());
            }
        }
        return new PlannerView(Map.copyOf(deployments), Map.copyOf(active), Set.copyOf(new TreeSet<>(planner.fleet().knownHosts())));
    }

    public Optional<DeploymentView> deployment(String id) {
        return Optional.ofNullable(deployments.get(id));
    }

    /** Deployments, newest first, of one service or of all (service null). */
    public List<DeploymentView> list(String service) {
        return deployments.values().stream()
                .filter(d -> service == null || d.service().equals(service))
                .sorted((a, b) -> b.startedAt().compareTo(a.startedAt()))
                .toList();
    }
}
