package io.kanary.planner.http;

import io.kanary.planner.state.Deployment;
import io.kanary.planner.state.HostGate;
import io.kanary.planner.state.Phase;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Policy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deployment as the API shows it: a read-only copy made on the planner's thread.
 *
 * @param batch the current batch, 1-based (0 before the first)
 * @param hosts    for each target host, its version before and where it stands now
 * @param deadline when the open deadline falls (the batch's health gates, or the rollback's confirmations), counted
 *                 in time kanary was awake; null when none is open
 */
public record DeploymentView(String id, String service, String version, String baselineVersion, Phase phase, int batch,
                             int batches, List<List<String>> plan, Map<String, HostView> hosts, String reason,
                             Policy policy, String requestedBy, Instant startedAt, Instant updatedAt, Instant deadline) {

    /** @param state one of waiting, deploying, gating, healthy, updated, rolling-back, rolled-back, failed */
    public record HostView(String previousVersion, String state, String detail) {
    }

    static DeploymentView of(Deployment d) {
        Map<String, HostView> hosts = new LinkedHashMap<>();
        for (String host : d.started().hosts()) {
            hosts.put(host, hostView(d, host));
        }
        return new DeploymentView(d.id(), d.service(), d.version(), d.started().baselineVersion(), d.phase(),
                d.batch() + 1, d.batchCount(), d.started().batches(), hosts, d.reason(), d.policy(),
                d.started().requestedBy(), d.started().at(), d.updatedAt(), d.deadline());
    }

    private static HostView hostView(Deployment d, String host) {
        String previous = d.started().previousVersions().get(host);
        HostEvent.CommandFailed rollbackFailed = d.rollbackFailures().get(host);
        if (rollbackFailed != null) {
            return new HostView(previous, "failed", "could not be rolled back: " + rollbackFailed.reason());
        }
        HostEvent.CommandFailed startFailed = d.startFailures().get(host);
        if (startFailed != null) {
            return new HostView(previous, "failed", "could not start " + d.version() + ": " + startFailed.reason()
                    + "; it never ran " + d.version() + ", so nothing to undo");
        }
        if (d.rolledBackHosts().contains(host)) {
            return new HostView(previous, "rolled-back", previous == null ? "stopped" : "back on " + previous);
        }
        if (d.awaitingRollback().contains(host)) {
            return new HostView(previous, "rolling-back", null);
        }
        HostGate gate = d.gates().get(host);
        if (gate != null && d.phase() == Phase.ROLLING || gate != null && d.phase() == Phase.SUCCEEDED) {
            if (gate.passed()) {
                return new HostView(previous, "healthy", null);
            }
            return gate.isInstanceStarted()
                    ? new HostView(previous, "gating", gate.progress(d.policy()))
                    : new HostView(previous, "deploying", null);
        }
        return d.updatedHosts().contains(host)
                ? new HostView(previous, "updated", null)
                : new HostView(previous, "waiting", null);
    }
}
